using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace UserSync.FunctionsHost.Rpc;

/// <summary>The workers a server expects, by the worker id it gave each on its command line.</summary>
internal sealed class WorkerRegistry
{
    private readonly ConcurrentDictionary<string, WorkerChannel> _channels = new();

    public void Add(WorkerChannel channel) => _channels[channel.WorkerId] = channel;

    public void Remove(string workerId) => _channels.TryRemove(workerId, out _);

    public bool TryGet(string workerId, [NotNullWhen(true)] out WorkerChannel? channel) => _channels.TryGetValue(workerId, out channel);
}
