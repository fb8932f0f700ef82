using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts;

/// <summary>Section "UserSync:Alerts:Ledger".</summary>
public sealed class AlertDeliveryLedgerOptions
{
    public const string SectionName = "UserSync:Alerts:Ledger";

    /// <summary>
    /// How long a claim keeps other dispatchers off a channel before it counts as abandoned (the
    /// dispatcher died mid-send). Longer than one send may take (UserSync:Alerts:Http:TotalTimeout,
    /// 90 s by default), shorter than the host's retries last (5 tries, visibilityTimeout 1 min),
    /// so a crashed send is retried before the message is poisoned.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "UserSync:Alerts:Ledger:ClaimLease must be between 1 second and 1 hour.")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);
}
