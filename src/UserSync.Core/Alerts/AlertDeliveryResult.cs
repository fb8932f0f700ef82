namespace UserSync.Core.Alerts;

/// <summary>Whether every routed channel has the alert now, and a one-line summary without secrets or PII.</summary>
public sealed record AlertDeliveryResult(bool Delivered, string Summary);
