namespace UserSync.Alerts.Channels;

/// <summary>
/// An email channel that can also send a message that is not an alert (the monthly report), with
/// the same provider, sender, recipients and resilient HttpClient. <paramref name="reference"/> in
/// <see cref="SendContentAsync"/> names the message in logs (an alert id, "report:2026-11"); never an address.
/// </summary>
public interface IEmailContentSender
{
    Task<ChannelDelivery> SendContentAsync(EmailContent content, string reference, CancellationToken cancellationToken);
}
