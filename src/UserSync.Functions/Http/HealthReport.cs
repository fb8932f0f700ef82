namespace UserSync.Functions.Http;

public sealed record HealthReport(string Status);
