using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using UserSync.FunctionsHost.App;

namespace UserSync.FunctionsHost.Rpc;

/// <summary>
/// The host's end of one worker's EventStream: messages to the worker are queued and written in
/// order; answers from the worker complete the request that waits for them (matched by kind,
/// function id or invocation id); RpcLog messages go to <see cref="_onLog"/>.
/// </summary>
internal sealed class WorkerChannel
{
    private const string InitKey = "init";
    private const string MetadataKey = "metadata";

    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<RpcLog> _onLog;
    private int _streams;

    public WorkerChannel(string workerId, Action<RpcLog> onLog)
    {
        WorkerId = workerId;
        _onLog = onLog;
    }

    public string WorkerId { get; }

    /// <summary>Completes when the worker has opened the stream and sent StartStream.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Closed => _closed.Task;

    public Task<WorkerInitResponse> InitAsync(WorkerInitRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        RequestAsync(new StreamingMessage { WorkerInitRequest = request }, InitKey, m => m.WorkerInitResponse, timeout, cancellationToken);

    public Task<FunctionMetadataResponse> MetadataAsync(FunctionsMetadataRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        RequestAsync(new StreamingMessage { FunctionsMetadataRequest = request }, MetadataKey, m => m.FunctionMetadataResponse, timeout, cancellationToken);

    public Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        RequestAsync(new StreamingMessage { FunctionLoadRequest = request }, "load:" + request.FunctionId, m => m.FunctionLoadResponse, timeout, cancellationToken);

    public Task<InvocationResponse> InvokeAsync(InvocationRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        RequestAsync(new StreamingMessage { InvocationRequest = request }, "invoke:" + request.InvocationId, m => m.InvocationResponse, timeout, cancellationToken);

    /// <summary>WorkerTerminate has no answer: the worker stops its application and closes the stream.</summary>
    public void Terminate(TimeSpan grace) =>
        _outbound.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(grace) } });

    /// <summary>Serves the stream until the worker closes it; called by the gRPC service after StartStream.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _streams) != 1)
        {
            // The stand-in does not advertise MultiStream, so a second stream is a protocol error.
            throw new InvalidOperationException($"worker {WorkerId} opened a second stream");
        }

        _connected.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteAsync(responses, stop.Token);
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Grpc.Core.RpcException)
        {
            // The worker went away; pending requests fail below.
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
            Close();
        }
    }

    /// <summary>Fails whatever still waits: the worker will not answer any more.</summary>
    public void Close()
    {
        _outbound.Writer.TryComplete();
        foreach (var key in _pending.Keys)
        {
            if (_pending.TryRemove(key, out var waiting))
            {
                waiting.TrySetException(new FunctionAppException($"the worker closed its stream before answering ({key})"));
            }
        }

        _connected.TrySetException(new FunctionAppException("the worker exited before it opened its stream"));
        _closed.TrySetResult();
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Stream ended while writing.
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.WorkerInitResponse => InitKey,
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => MetadataKey,
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => "load:" + message.FunctionLoadResponse.FunctionId,
            StreamingMessage.ContentOneofCase.InvocationResponse => "invoke:" + message.InvocationResponse.InvocationId,
            _ => null,
        };

        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            _onLog(message.RpcLog);
        }
        else if (key is not null && _pending.TryRemove(key, out var waiting))
        {
            waiting.TrySetResult(message);
        }

        // Anything else (StartStream twice, answers nobody waits for, messages this stand-in does
        // not model) is dropped, as the host drops messages it has no callback for.
    }

    private async Task<T> RequestAsync<T>(StreamingMessage message, string key, Func<StreamingMessage, T> answer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiting = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, waiting))
        {
            throw new InvalidOperationException($"a request {key} is already waiting for the worker");
        }

        try
        {
            if (!_outbound.Writer.TryWrite(message))
            {
                throw new FunctionAppException($"the worker's stream is closed ({key})");
            }

            var response = await waiting.Task.WaitAsync(timeout, cancellationToken);
            return answer(response);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the worker did not answer {key} within {timeout}");
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }
}
