namespace UserSync.Core.Alerts;

public enum AlertStatus
{
    Firing,
    Resolved,
}
