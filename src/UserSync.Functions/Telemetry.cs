using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using UserSync.Core.Telemetry;

namespace UserSync.Functions;

/// <summary>
/// OpenTelemetry for the worker (host.json telemetryMode: OpenTelemetry): the worker's invocation
/// spans, which continue the host's trace context, the core's meter and spans, and Npgsql's spans.
/// Exported to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set, over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set, to the console when USERSYNC_TELEMETRY_CONSOLE is "true";
/// otherwise not exported. No ASP.NET Core request spans: they would only repeat the invocation
/// span, with the request URL (and the key in ?code=) as an attribute.
/// </summary>
public static class Telemetry
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ConsoleSetting = "USERSYNC_TELEMETRY_CONSOLE";
    public const string ServiceName = "usersync-functions";

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

    public static IHostApplicationBuilder AddUserSyncTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var appInsights = configuration[AppInsightsSetting] is { Length: > 0 } connection ? connection : null;
        var otlp = configuration[OtlpSetting] is { Length: > 0 };
        var console = string.Equals(configuration[ConsoleSetting], "true", StringComparison.OrdinalIgnoreCase);

        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(UserSyncTelemetry.MeterName);
                if (appInsights is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(UserSyncTelemetry.ActivitySourceName).AddNpgsql();
                if (appInsights is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });

        // With telemetryMode OpenTelemetry the host no longer forwards the worker's logs to
        // Application Insights: the worker exports its own (already free of PII, keys and URLs).
        if (appInsights is not null || otlp)
        {
            telemetry.WithLogging(logging =>
            {
                if (appInsights is not null)
                {
                    logging.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights);
                }

                if (otlp)
                {
                    logging.AddOtlpExporter();
                }
            }, options => options.IncludeFormattedMessage = true);
        }

        return builder;
    }
}
