namespace UserSync.Functions.Http;

/// <summary>The body of POST /api/user-sync/repair; an absent body is a dry run with the default batch.</summary>
public sealed record RepairRequest
{
    public const string Example = "{\"apply\": true, \"batchSize\": 1000}";

    /// <summary>False (the default) previews the first batch and writes nothing.</summary>
    public bool Apply { get; init; }

    /// <value>The default value is 1000; 1 to <see cref="RepairGhostsFunction.MaxBatch"/>.</value>
    public int BatchSize { get; init; } = 1000;
}
