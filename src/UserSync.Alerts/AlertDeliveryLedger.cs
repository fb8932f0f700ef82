using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using UserSync.Core.Store;

namespace UserSync.Alerts;

/// <summary>
/// user_sync.alert_deliveries through its two functions, as the monitor's login (the app's one
/// data source, through <see cref="MonitorConnections"/>): one row per alert, receiver and
/// channel makes each receiver's channel receive each alert once, whatever the queue redelivers
/// and however many dispatchers race; a receiver added later has no rows yet and is sent to alone.
/// </summary>
public sealed class AlertDeliveryLedger
{
    private readonly MonitorConnections _connections;
    private readonly TimeSpan _lease;

    public AlertDeliveryLedger(MonitorConnections connections, IOptions<AlertDeliveryLedgerOptions> ledgerOptions)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(ledgerOptions);
        _connections = connections;
        _lease = ledgerOptions.Value.ClaimLease;
    }

    public async Task<LedgerClaim> ClaimAsync(string alertId, string receiver, string channel, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var answer = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select user_sync.claim_alert_delivery(@alertId, @receiver, @channel, @lease)",
            new { alertId, receiver, channel, lease = _lease }, cancellationToken: cancellationToken));
        return answer switch
        {
            "claimed" => LedgerClaim.Claimed,
            "delivered" => LedgerClaim.Delivered,
            "busy" => LedgerClaim.Busy,
            _ => throw new InvalidOperationException($"claim_alert_delivery answered an unknown state '{answer}'."),
        };
    }

    /// <summary>Delivered: final. Failed: the claim is released so the next try sends at once.</summary>
    public async Task CompleteAsync(string alertId, string receiver, string channel, ChannelDelivery outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "select user_sync.complete_alert_delivery(@alertId, @receiver, @channel, @delivered, @statusCode, @detail)",
            new
            {
                alertId,
                receiver,
                channel,
                delivered = outcome.Delivered,
                statusCode = outcome.StatusCode is >= 100 and <= 599 ? outcome.StatusCode : null,
                detail = outcome.Detail,
            },
            cancellationToken: cancellationToken));
    }

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _connections.OpenAsync(cancellationToken);
}
