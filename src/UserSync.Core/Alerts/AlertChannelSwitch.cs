namespace UserSync.Core.Alerts;

/// <summary>"UserSync:Alerts:Channels:&lt;name&gt;": a channel switched off is skipped by every route.</summary>
public sealed class AlertChannelSwitch
{
    public bool Enabled { get; set; } = true;
}
