using System.CommandLine;
using Azure.Storage.Queues;

namespace UserSync.Cli.Queues;

/// <summary>The queue storage the CLI talks to: --storage, else $AzureWebJobsStorage (the Functions host's own setting).</summary>
internal static class QueueStorage
{
    public static QueueServiceClient Service(ParseResult parsed, Option<string?> storage, CliEnvironment environment)
    {
        var connection = parsed.GetValue(storage) ?? environment.Variable("AzureWebJobsStorage");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new CliUsageException("no queue storage: pass --storage or set AzureWebJobsStorage.");
        }

        try
        {
            return new QueueServiceClient(connection, AlertQueues.Options);
        }
        catch (FormatException)
        {
            throw new CliUsageException("--storage / AzureWebJobsStorage is not a valid storage connection string.");
        }
    }
}
