using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace UserSync.Functions.Http;

/// <summary>RunChecks answers the caller and queues its alert messages (one per element, as DailyCheck's).</summary>
public sealed class RunChecksOutput
{
    [HttpResult]
    public required IResult Response { get; init; }

    /// <summary>Null when there is nothing to queue.</summary>
    [QueueOutput(QueueNames.Alerts)]
    public string[]? Alerts { get; init; }
}
