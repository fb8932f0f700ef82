namespace UserSync.Alerts.Channels;

/// <summary>
/// The configured email provider (ACS or SendGrid) as a maker of "email" channels: one per
/// receiver, each with the receiver's own recipients and the provider's one sender and credentials.
/// </summary>
public interface IEmailChannelFactory
{
    /// <summary>The recipients the flat settings give (the receiver <c>default</c>'s email).</summary>
    IReadOnlyList<string> ConfiguredRecipients { get; }

    /// <summary>The setting that holds them, for messages: "UserSync:Alerts:Email:SendGrid:Recipients".</summary>
    string RecipientsSetting { get; }

    IAlertChannel Create(IReadOnlyList<string> recipients);
}
