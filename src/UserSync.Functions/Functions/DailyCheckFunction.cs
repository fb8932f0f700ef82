using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using UserSync.Core.Alerts;
using UserSync.Core.Runs;
using UserSync.Functions.Envelopes;

namespace UserSync.Functions.Functions;

/// <summary>
/// Timer trigger: runs the checks and writes each alert message to the queue output binding
/// "alerts" as a JSON object (an array of objects becomes one message each). A database failure
/// still answers 200 so its monitor_failed alert is queued; only unexpected errors answer 500,
/// which lets the function's retry policy try again.
/// </summary>
public static partial class DailyCheckFunction
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost($"/{FunctionCatalog.DailyCheck}", HandleAsync);

    /// <summary>How long a run waits for its metrics to be exported before it answers the host.</summary>
    public static readonly TimeSpan MetricFlushTimeout = TimeSpan.FromSeconds(10);

    private static async Task<IResult> HandleAsync(HttpRequest request, CheckRunner runner, ILoggerFactory loggers,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(DailyCheckFunction).FullName!);
        var invocation = await InvocationRequest.ReadAsync(request, cancellationToken);
        var logs = new List<string>();
        var timer = invocation?.Data(FunctionCatalog.TimerBinding) ?? default;
        if (IsPastDue(timer))
        {
            LogPastDue(logger);
            logs.Add("DailyCheck is past due (a missed schedule); running now.");
        }

        var outcome = await runner.RunAsync(AlertSources.Timer, cancellationToken);
        var summary = outcome.Run is { } run
            ? string.Create(CultureInfo.InvariantCulture, $"DailyCheck {outcome.Kind}: {run.Status}, {run.GhostUsers} ghost users, {run.OrphanedProfiles} orphaned profiles, trigger {run.TriggerState}; {outcome.Alerts.Count} alert message(s) queued.")
            : $"DailyCheck {outcome.Kind}: {outcome.FailureReason}; {outcome.Alerts.Count} alert message(s) queued.";
        logs.Add(summary);

        // A Flex Consumption instance may be reclaimed soon after the invocation ends, before the
        // periodic export: push this run's gauges and heartbeat out now.
        services.GetService<MeterProvider>()?.ForceFlush((int)MetricFlushTimeout.TotalMilliseconds);

        var outputs = new JsonObject
        {
            [FunctionCatalog.AlertsOutputBinding] = JsonSerializer.SerializeToNode(outcome.Alerts, AlertJson.Options),
        };
        return InvocationResponse.Ok(outputs, logs);
    }

    // Timer data: {"Schedule": {...}, "ScheduleStatus": {...} or null, "IsPastDue": true}.
    private static bool IsPastDue(JsonElement timer)
    {
        if (timer.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in timer.EnumerateObject())
        {
            if (string.Equals(property.Name, "IsPastDue", StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.True
                       || property.Value.ValueKind == JsonValueKind.String
                       && bool.TryParse(property.Value.GetString(), out var pastDue) && pastDue;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DailyCheck is past due; running now")]
    private static partial void LogPastDue(ILogger logger);
}
