namespace UserSync.Alerts.Channels;

/// <summary>Which email provider is the "email" channel (section "UserSync:Alerts:Email"): "acs" or "sendgrid"; unset means no email channel.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "UserSync:Alerts:Email";
    public const string Acs = "acs";
    public const string SendGrid = "sendgrid";

    public string? Provider { get; set; }
}
