namespace UserSync.FunctionsHost.Worker;

public enum WorkerLogSource
{
    /// <summary>An RpcLog message on the gRPC stream (the worker's ILogger output, as the host receives it).</summary>
    Rpc,

    /// <summary>A line the worker process wrote to standard output.</summary>
    Stdout,

    /// <summary>A line the worker process wrote to standard error.</summary>
    Stderr,
}
