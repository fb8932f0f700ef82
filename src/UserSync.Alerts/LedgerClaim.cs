namespace UserSync.Alerts;

/// <summary>What user_sync.claim_alert_delivery answered.</summary>
public enum LedgerClaim
{
    /// <summary>This dispatcher may send now.</summary>
    Claimed,

    /// <summary>The channel already has the alert.</summary>
    Delivered,

    /// <summary>Another dispatcher is sending it now; try again later.</summary>
    Busy,
}
