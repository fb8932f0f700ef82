using UserSync.FunctionsHost.App;
using UserSync.FunctionsHost.Rpc;

namespace UserSync.FunctionsHost;

/// <summary>A function the worker loaded: its functions.metadata entry and the id and retry policy the worker gave it.</summary>
public sealed record LoadedFunction(FunctionDescription Description, string FunctionId, RpcRetryOptions? Retry)
{
    public string Name => Description.Name;
}
