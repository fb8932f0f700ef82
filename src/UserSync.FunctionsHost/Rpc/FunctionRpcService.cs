using Grpc.Core;

namespace UserSync.FunctionsHost.Rpc;

/// <summary>The gRPC service a worker connects to: the first message must be StartStream naming a worker this server started.</summary>
internal sealed class FunctionRpcService(WorkerRegistry workers) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }

        var first = requestStream.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "the first message must be StartStream"));
        }

        if (!workers.TryGet(first.StartStream.WorkerId, out var channel))
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.NotFound, "unknown worker id"));
        }

        await channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
