using Azure.Monitor.OpenTelemetry.Exporter;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using UserSync.Core.Telemetry;

namespace UserSync.Functions;

/// <summary>
/// OpenTelemetry for the handler: the core's meter and spans, ASP.NET Core request spans (which
/// continue the host's traceparent) and Npgsql's spans. Exported to Azure Monitor when
/// APPLICATIONINSIGHTS_CONNECTION_STRING is set, over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is
/// set, to the console when USERSYNC_TELEMETRY_CONSOLE is "true"; otherwise not exported.
/// </summary>
public static class Telemetry
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ConsoleSetting = "USERSYNC_TELEMETRY_CONSOLE";

    /// <summary>
    /// Environment variables that turn off the Azure Monitor exporter's own usage telemetry
    /// (statsbeat and SDK stats), which otherwise calls the Azure VM metadata address
    /// (169.254.169.254) and Microsoft's statsbeat endpoint. Set them wherever the app runs
    /// outside Azure (tests, local runs); in Azure they may stay unset.
    /// </summary>
    public static IReadOnlyList<string> SelfTelemetrySwitches { get; } =
    [
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED",
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL",
        "APPLICATIONINSIGHTS_SDKSTATS_DISABLED",
        "APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL",
    ];

    /// <summary>The header the Functions host puts on each invocation it sends to a custom handler.</summary>
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        if (configuration[AppInsightsSetting] is { Length: > 0 } logsConnection)
        {
            // The handler's own log lines (already free of PII, keys and URLs) go to AppTraces too,
            // so the alert rules on dispatcher failures see them without the host's help.
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.AddAzureMonitorLogExporter(o => o.ConnectionString = logsConnection);
            });
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("usersync-functions"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(UserSyncTelemetry.MeterName);
                if (configuration[AppInsightsSetting] is { Length: > 0 } connection)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = connection);
                }

                if (configuration[OtlpSetting] is { Length: > 0 })
                {
                    metrics.AddOtlpExporter();
                }

                if (string.Equals(configuration[ConsoleSetting], "true", StringComparison.OrdinalIgnoreCase))
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(UserSyncTelemetry.ActivitySourceName)
                    .AddNpgsql()
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Paths only: the query string carries the host's keys (?code=...).
                        o.EnrichWithHttpRequest = (activity, request) =>
                        {
                            activity.SetTag("url.query", null);
                            if (request.Headers.TryGetValue(InvocationIdHeader, out var invocationId))
                            {
                                activity.SetTag("faas.invocation_id", invocationId.ToString());
                            }
                        };
                    });
                if (configuration[AppInsightsSetting] is { Length: > 0 } connection)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = connection);
                }

                if (configuration[OtlpSetting] is { Length: > 0 })
                {
                    tracing.AddOtlpExporter();
                }

                if (string.Equals(configuration[ConsoleSetting], "true", StringComparison.OrdinalIgnoreCase))
                {
                    tracing.AddConsoleExporter();
                }
            });
    }
}
