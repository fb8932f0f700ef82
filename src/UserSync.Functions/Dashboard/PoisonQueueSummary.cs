using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using UserSync.Alerts;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// The poison queue for GET view/alerts, through the app's own storage setting: a connection
/// string in AzureWebJobsStorage (local, Azurite), or the identity-based form infra sets
/// (AzureWebJobsStorage__accountName or __queueServiceUri, __credential=managedidentity, __clientId).
/// Mapped here by hand: that accountName convention is the Functions host's own, which
/// Microsoft.Extensions.Azure's client factory does not read.
/// </summary>
public sealed class PoisonQueueSummary
{
    private const string Setting = "AzureWebJobsStorage";

    private readonly QueueClient? _queue;
    private readonly string? _unavailable;

    public PoisonQueueSummary(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        // A page poll must not wait a minute for storage: fail fast, the rest of the answer stands.
        options.Retry.MaxRetries = 1;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var section = configuration.GetSection(Setting);
        try
        {
            if (!string.IsNullOrWhiteSpace(section.Value))
            {
                _queue = new QueueServiceClient(section.Value, options).GetQueueClient(QueueNames.AlertsPoison);
            }
            else if (ServiceUri(section) is { } uri)
            {
                _queue = new QueueServiceClient(uri, Credential(section), options).GetQueueClient(QueueNames.AlertsPoison);
            }
            else
            {
                _unavailable = $"no queue storage is configured ({Setting})";
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            _unavailable = $"{Setting} is not a valid storage connection string";
        }
    }

    public async Task<PoisonView> ReadAsync(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return new PoisonView(null, null, _unavailable);
        }

        try
        {
            var (count, messages) = await PoisonedAlerts.SummaryAsync(_queue, cancellationToken);
            return new PoisonView(count, messages.Select(m => new PoisonMessageView(m.MessageId, m.InsertedOn, m.DequeueCount, m.Summary)).ToList(), null);
        }
        catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException
                                       or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The reason's class only: a storage error text can carry the account's URL.
            return new PoisonView(null, null, $"the poison queue could not be read ({ex.GetType().Name})");
        }
    }

    private static Uri? ServiceUri(IConfigurationSection section) =>
        section["queueServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
        : section["accountName"] is { Length: > 0 } account ? new Uri($"https://{account}.queue.core.windows.net")
        : null;

    private static TokenCredential Credential(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId ? ManagedIdentityId.FromUserAssignedClientId(clientId) : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
}
