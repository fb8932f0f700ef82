namespace UserSync.Alerts;

/// <summary>What one channel did with one alert. Detail is one line without secrets or PII.</summary>
public sealed record ChannelDelivery(bool Delivered, int? StatusCode, string Detail)
{
    public static ChannelDelivery Ok(int? statusCode, string detail = "delivered") => new(true, statusCode, detail);

    public static ChannelDelivery Failed(int? statusCode, string detail) => new(false, statusCode, detail);
}
