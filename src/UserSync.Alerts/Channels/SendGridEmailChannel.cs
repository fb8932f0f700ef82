using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;
using UserSync.Core.Alerts;

namespace UserSync.Alerts.Channels;

/// <summary>
/// Email through SendGrid's v3 mail send (its C# library); 202 Accepted means delivered. The
/// library is given the shared resilient HttpClient, so 429/5xx/timeouts retry like every other
/// channel's and its own retry handler stays out of the way.
/// </summary>
public sealed partial class SendGridEmailChannel : IAlertChannel, IEmailContentSender
{
    public const string HttpClientName = "email-sendgrid";

    private readonly SendGridClient client;
    private readonly SendGridEmailOptions options;
    private readonly ILogger<SendGridEmailChannel> logger;

    public SendGridEmailChannel(HttpClient http, IOptions<SendGridEmailOptions> options, ILogger<SendGridEmailChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.logger = logger;
        var clientOptions = new SendGridClientOptions { ApiKey = this.options.ApiKey };
        if (this.options.BaseUrl is { } baseUrl)
        {
            clientOptions.Host = baseUrl.AbsoluteUri.TrimEnd('/');
        }

        client = new SendGridClient(http, clientOptions);
    }

    public string Name => "email";

    public Task<ChannelDelivery> SendAsync(AlertMessage alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return SendContentAsync(EmailContent.Render(alert), alert.AlertId, cancellationToken);
    }

    public async Task<ChannelDelivery> SendContentAsync(EmailContent content, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var message = new SendGridMessage
        {
            From = new EmailAddress(options.From),
            Subject = content.Subject,
            PlainTextContent = content.PlainText,
            HtmlContent = content.Html,
        };
        message.AddTos([.. options.Recipients.Select(r => new EmailAddress(r))]);
        // Click tracking would rewrite the runbook link through SendGrid's redirector.
        message.SetClickTracking(false, false);
        try
        {
            var response = await client.SendEmailAsync(message, cancellationToken);
            var statusCode = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                LogDelivered(logger, reference, statusCode);
                return ChannelDelivery.Ok(statusCode, "SendGrid accepted the email");
            }

            return Failed(reference, statusCode, $"SendGrid answered {statusCode}");
        }
        catch (Exception ex) when (AcsEmailChannel.IsTransportFailure(ex, cancellationToken))
        {
            return Failed(reference, null, $"SendGrid request failed: {ex.GetType().Name}");
        }
    }

    private ChannelDelivery Failed(string reference, int? statusCode, string detail)
    {
        LogFailed(logger, reference, statusCode, detail);
        return ChannelDelivery.Failed(statusCode, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel email (sendgrid) delivered {Reference} (status {StatusCode})")]
    private static partial void LogDelivered(ILogger logger, string reference, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel email (sendgrid) failed {Reference} (status {StatusCode}): {Detail}")]
    private static partial void LogFailed(ILogger logger, string reference, int? statusCode, string detail);
}
