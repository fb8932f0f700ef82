using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts;

/// <summary>Retry and timeout settings shared by every channel's HttpClient (section "UserSync:Alerts:Http").</summary>
public sealed class ChannelHttpOptions
{
    public const string SectionName = "UserSync:Alerts:Http";

    [Range(0, 10, ErrorMessage = "UserSync:Alerts:Http:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff step; later ones grow exponentially, with jitter. A Retry-After header wins.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00", ErrorMessage = "UserSync:Alerts:Http:BaseDelay must be between 1 ms and 5 minutes.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:02:00", ErrorMessage = "UserSync:Alerts:Http:AttemptTimeout must be between 10 ms and 2 minutes.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "UserSync:Alerts:Http:TotalTimeout must be between 100 ms and 10 minutes.")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);
}
