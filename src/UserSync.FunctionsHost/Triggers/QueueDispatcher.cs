using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using UserSync.FunctionsHost.App;
using UserSync.FunctionsHost.Rpc;

namespace UserSync.FunctionsHost.Triggers;

/// <summary>
/// The queue half of the host, against a real storage queue (Azurite locally). Output bindings
/// of type "queue" become messages; a queue trigger takes messages one at a time and invokes its
/// function with what the host sends: the body as TypedData (string, or bytes for dataType
/// binary: the Storage Queues extension's QueueMessage converters) and the trigger metadata of
/// the extension's QueueTriggerBinding (QueueTrigger, DequeueCount, ExpirationTime, Id,
/// InsertionTime, NextVisibleTime, PopReceipt), each converted as the host's
/// GrpcMessageConversionExtensions.ToRpc does (strings as TypedData.string, the long and the
/// DateTimeOffsets as Newtonsoft.Json text in TypedData.json). Failed invocations follow the
/// extension's QueueProcessor: the message is released for another try, and once it has been
/// dequeued maxDequeueCount times (host.json) it is copied to "&lt;queue&gt;-poison" and deleted.
/// Not played: polling intervals, batches and concurrency, visibility renewal.
/// </summary>
public sealed partial class QueueDispatcher
{
    private const string DefaultConnection = "AzureWebJobsStorage";
    private const string IsoFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz";

    private readonly LocalFunctionsHost _host;
    private readonly ConcurrentDictionary<string, QueueServiceClient> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<QueueMessage> _undecodable = new();

    internal QueueDispatcher(LocalFunctionsHost host) => _host = host;

    private QueueSettings Settings => _host.App.Host.Queues;

    /// <summary>The queue a function's trigger reads, with the app's encoding.</summary>
    public QueueClient TriggerQueue(string function)
    {
        var trigger = QueueTrigger(function);
        return Queue(trigger, Name(trigger));
    }

    /// <summary>The queue an output or trigger binding names (queueName with %settings% resolved).</summary>
    public QueueClient Queue(string function, string binding)
    {
        var description = _host.Function(function).Description.Bindings.FirstOrDefault(b => string.Equals(b.Name, binding, StringComparison.OrdinalIgnoreCase))
                          ?? throw new ArgumentException($"{function} has no binding {binding}", nameof(binding));
        return Queue(description, Name(description));
    }

    /// <summary>
    /// Invokes <paramref name="function"/> for messages on its queue until the queue is empty or
    /// <paramref name="maxInvocations"/> invocations have run.
    /// </summary>
    public async Task<DispatchReport> DispatchAsync(string function, int maxInvocations, CancellationToken cancellationToken)
    {
        var trigger = QueueTrigger(function);
        var queue = Queue(trigger, Name(trigger));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var results = new List<InvocationResult>();
        int succeeded = 0, failed = 0, poisoned = 0;
        while (results.Count < maxInvocations)
        {
            var message = (await queue.ReceiveMessageAsync(_host.InvocationTimeout, cancellationToken)).Value;
            var undecodable = 0;
            while (_undecodable.TryDequeue(out var garbled))
            {
                // The extension's QueueListener moves a message it cannot decode to the poison queue.
                await MoveToPoisonAsync(trigger, queue, garbled, raw: true, cancellationToken);
                poisoned++;
                undecodable++;
            }

            if (message is null && undecodable > 0)
            {
                continue;
            }

            if (message is null)
            {
                break;
            }

            if (message.DequeueCount > Settings.MaxDequeueCount)
            {
                // Already tried often enough (another host gave up on it): QueueProcessor poisons it unseen.
                await MoveToPoisonAsync(trigger, queue, message, raw: false, cancellationToken);
                poisoned++;
                continue;
            }

            var result = await _host.InvokeAsync(_host.Function(function), [Input(trigger, message)], Metadata(message), null, null, null, cancellationToken);
            results.Add(result);
            if (result.Succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                succeeded++;
            }
            else if (message.DequeueCount >= Settings.MaxDequeueCount)
            {
                failed++;
                await MoveToPoisonAsync(trigger, queue, message, raw: false, cancellationToken);
                poisoned++;
            }
            else
            {
                failed++;
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt,
                    visibilityTimeout: _host.Options.QueueRetryVisibility ?? Settings.VisibilityTimeout, cancellationToken: cancellationToken);
            }
        }

        return new DispatchReport(succeeded, failed, poisoned, results);
    }

    /// <summary>The trigger input the host builds from a queue message.</summary>
    internal static ParameterBinding Input(BindingDescription trigger, QueueMessage message) => new()
    {
        Name = trigger.Name,
        Data = string.Equals(trigger.DataType, "binary", StringComparison.OrdinalIgnoreCase)
            ? new TypedData { Bytes = Google.Protobuf.ByteString.CopyFrom(message.Body.ToMemory().Span) }
            : new TypedData { String = message.Body.ToString() },
    };

    /// <summary>QueueTriggerBinding's binding data, converted as the host converts binding data for the worker.</summary>
    internal static Dictionary<string, TypedData> Metadata(QueueMessage message)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["QueueTrigger"] = new() { String = message.Body.ToString() },
            ["DequeueCount"] = new() { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
            ["ExpirationTime"] = Json(message.ExpiresOn ?? DateTimeOffset.MaxValue),
            ["Id"] = new() { String = message.MessageId },
            ["InsertionTime"] = Json(message.InsertedOn ?? DateTimeOffset.UtcNow),
            ["NextVisibleTime"] = Json(message.NextVisibleOn ?? DateTimeOffset.MaxValue),
            ["PopReceipt"] = new() { String = message.PopReceipt },
        };
        return metadata;
    }

    /// <summary>
    /// Writes a successful invocation's queue outputs. The value of each output binding (or of
    /// the return value for "$return") becomes messages as the host's collector binding does
    /// (FunctionBinding.ReadAsEnumerable in WebJobs.Script): a JSON array is one message per
    /// element, anything else one message; a JSON object element is written as its JSON text, a
    /// string element as the string.
    /// </summary>
    internal async Task<IReadOnlyList<QueuedMessage>> WriteOutputsAsync(LoadedFunction function, InvocationResponse response, CancellationToken cancellationToken)
    {
        var written = new List<QueuedMessage>();
        foreach (var binding in function.Description.Outputs.Where(b => b.Is("queue")))
        {
            var value = binding.Name == "$return"
                ? response.ReturnValue
                : response.OutputData.LastOrDefault(o => string.Equals(o.Name, binding.Name, StringComparison.OrdinalIgnoreCase))?.Data;
            var messages = Messages(value, $"{function.Name}.{binding.Name}");
            if (messages.Count == 0)
            {
                continue;
            }

            var name = Name(binding);
            var queue = Queue(binding, name);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            foreach (var message in messages)
            {
                await queue.SendMessageAsync(message, cancellationToken: cancellationToken);
                written.Add(new QueuedMessage(name, message.ToString()));
            }

            LogEnqueued(_host.Logger, messages.Count, name, function.Name);
        }

        return written;
    }

    internal static List<BinaryData> Messages(TypedData? value, string binding)
    {
        switch (value?.DataCase)
        {
            case null or TypedData.DataOneofCase.None:
                return [];
            case TypedData.DataOneofCase.Bytes:
                return [BinaryData.FromBytes(value.Bytes.ToByteArray())];
            case TypedData.DataOneofCase.String when !LooksLikeJson(value.String):
                return [BinaryData.FromString(value.String)];
            case TypedData.DataOneofCase.String or TypedData.DataOneofCase.Json:
                var text = value.DataCase == TypedData.DataOneofCase.Json ? value.Json : value.String;
                JsonNode? node;
                try
                {
                    node = JsonNode.Parse(text);
                }
                catch (JsonException) when (value.DataCase == TypedData.DataOneofCase.String)
                {
                    return [BinaryData.FromString(text)];
                }

                return node is JsonArray array
                    ? array.Select(e => Element(e, binding)).ToList()
                    : [Element(node, binding)];
            default:
                return [BinaryData.FromString(value.ToString())];
        }
    }

    private static BinaryData Element(JsonNode? element, string binding) => element switch
    {
        null => throw new InvalidOperationException($"the output {binding} holds a null message"),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => BinaryData.FromString(v.GetValue<string>()),
        _ => BinaryData.FromString(element.ToJsonString()),
    };

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return trimmed.Length > 1 && (trimmed[0] == '{' && trimmed[^1] == '}' || trimmed[0] == '[' && trimmed[^1] == ']');
    }

    private static TypedData Json(DateTimeOffset at) => new() { Json = JsonSerializer.Serialize(at.ToString(IsoFormat, CultureInfo.InvariantCulture)) };

    private BindingDescription QueueTrigger(string function)
    {
        var trigger = _host.Function(function).Description.Trigger;
        return trigger.Is("queueTrigger") ? trigger : throw new ArgumentException($"{function} is not a queue-triggered function", nameof(function));
    }

    private string Name(BindingDescription binding) =>
        _host.Settings.Resolve(binding.Property("queueName") ?? throw new FunctionAppException($"binding {binding.Name} has no queueName"), $"the queueName of {binding.Name}")
            .ToLowerInvariant();

    private QueueClient Queue(BindingDescription binding, string name, bool raw = false)
    {
        var setting = binding.Property("connection") is { Length: > 0 } connection ? connection : DefaultConnection;
        var service = _services.GetOrAdd(setting + (raw ? "|raw" : ""), _ =>
        {
            var value = _host.Settings.Get(setting) ?? throw new FunctionAppException($"binding {binding.Name} needs the app setting {setting} (a storage connection string)");
            var options = new QueueClientOptions { MessageEncoding = Settings.Base64 && !raw ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
            options.MessageDecodingFailed += args =>
            {
                if (args.ReceivedMessage is not null)
                {
                    _undecodable.Enqueue(args.ReceivedMessage);
                }

                return Task.CompletedTask;
            };
            // A local queue answers at once or is not there: fail in seconds, not minutes.
            options.Retry.MaxRetries = 2;
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
            try
            {
                return new QueueServiceClient(value, options);
            }
            catch (FormatException ex)
            {
                throw new FunctionAppException($"the app setting {setting} is not a storage connection string", ex);
            }
        });
        return service.GetQueueClient(name);
    }

    private async Task MoveToPoisonAsync(BindingDescription trigger, QueueClient queue, QueueMessage message, bool raw, CancellationToken cancellationToken)
    {
        var poison = Queue(trigger, queue.Name + "-poison", raw);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        LogPoisoned(_host.Logger, message.MessageId, message.DequeueCount, poison.Name);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} message(s) enqueued on {Queue} by {Function}")]
    private static partial void LogEnqueued(ILogger logger, int count, string queue, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "message {MessageId} (dequeued {DequeueCount} times) moved to {Poison}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long dequeueCount, string poison);
}
