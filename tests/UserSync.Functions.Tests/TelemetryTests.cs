using System.Diagnostics;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using UserSync.Functions.Functions;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The app's metrics reach Azure Monitor: the exporter is pointed (through the connection
/// string's IngestionEndpoint) at a loopback server that records what Application Insights would
/// receive. Spans are read from an in-memory exporter on the app's own tracing pipeline.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class TelemetryTests(PostgresClusterFixture fixture)
{
    // The worker's invocation spans come from this source (Microsoft.Azure.Functions.Worker's
    // TraceConstants); UseFunctionsWorkerDefaults subscribes to it.
    private const string WorkerSource = "Microsoft.Azure.Functions.Worker";

    private static readonly TimerInfo OnSchedule = new();

    // Off this machine's network nothing but loopback may be called: the exporter's own usage
    // telemetry (statsbeat / SDK stats) would otherwise probe the Azure VM metadata address.
    static TelemetryTests()
    {
        foreach (var name in Telemetry.SelfTelemetrySwitches)
        {
            Environment.SetEnvironmentVariable(name, "true");
        }
    }

    [Fact]
    public async Task A_daily_check_exports_its_gauges_counters_and_heartbeat_before_it_returns()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.SignUpAsync(5);
        await database.AddGhostsAsync(3);
        await using var ingestion = new IngestionServer();
        await using var app = TestApp.Create(database.ConnectionString, ingestion.Settings);

        await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        // No flush from the test: DailyCheck pushes its metrics out before it returns (the periodic
        // export would take 60 s, longer than this wait).
        await IngestionServer.WaitForAsync(() => ingestion.Metrics().ContainsKey("usersync.heartbeat"));
        var metrics = ingestion.Metrics();
        Assert.Equal((3, 0, 3, 1), (metrics["usersync.ghost_users"].Value, metrics["usersync.orphaned_profiles"].Value,
            metrics["usersync.count_difference"].Value, metrics["usersync.trigger_enabled"].Value));
        Assert.Equal((1, 1), (metrics["usersync.heartbeat"].Value, metrics["usersync.check.runs"].Value));
        Assert.Equal("completed", metrics["usersync.check.runs"].Properties["outcome"]);
        Assert.Equal("test", metrics["usersync.ghost_users"].Properties["environment"]);
        Assert.True(metrics.ContainsKey("usersync.check.duration"));
        Assert.DoesNotContain("@example.com", ingestion.RawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_monitor_that_cannot_reach_the_database_still_sends_its_heartbeat_and_a_could_not_run_count()
    {
        await using var ingestion = new IngestionServer();
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString, ingestion.Settings);

        await app.Function<DailyCheckFunction>().RunAsync(OnSchedule, CancellationToken.None);

        await IngestionServer.WaitForAsync(() => ingestion.Metrics().ContainsKey("usersync.heartbeat"));
        var metrics = ingestion.Metrics();
        Assert.Equal(1, metrics["usersync.heartbeat"].Value);
        Assert.Equal("could_not_run", metrics["usersync.check.runs"].Properties["outcome"]);
        Assert.False(metrics.ContainsKey("usersync.ghost_users"));
        Assert.DoesNotContain("hunter2", ingestion.RawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_and_its_SQL_join_the_invocation_span_which_continues_the_hosts_trace_and_no_tag_holds_a_key()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        var spans = new List<Activity>();
        await using var app = TestApp.Create(database.ConnectionString,
            services: s => s.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var tracer = app.Services.GetRequiredService<TracerProvider>();
        var host = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        using var worker = new ActivitySource(WorkerSource);

        // What the worker does for each InvocationRequest: a span from its source, parented on the
        // request's trace context, around the function.
        using (worker.StartActivity("Invoke", ActivityKind.Server, host))
        {
            var output = await app.Function<RunChecksFunction>().RunAsync(
                app.Request("POST", "/api/user-sync/checks/run?code=SECRETKEY789"), CancellationToken.None);
            await app.ExecuteAsync(output.Response);
        }

        Assert.True(tracer.ForceFlush(30_000));
        List<Activity> inTrace;
        lock (spans)
        {
            inTrace = spans.Where(a => a.TraceId == host.TraceId).ToList();
        }

        var invocation = Assert.Single(inTrace, a => a.Source.Name == WorkerSource);
        Assert.Equal(host.SpanId, invocation.ParentSpanId);
        var run = Assert.Single(inTrace, a => a.OperationName == "usersync.check_run");
        Assert.Equal(invocation.SpanId, run.ParentSpanId);
        Assert.Equal("http", run.GetTagItem("usersync.source"));
        Assert.Contains(inTrace, a => a.Source.Name == "Npgsql");
        var tags = string.Join(" ", inTrace.SelectMany(a => a.TagObjects).Select(t => $"{t.Key}={t.Value}"));
        Assert.DoesNotContain("SECRETKEY789", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", tags, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record MetricPoint(double Value, IReadOnlyDictionary<string, string> Properties);

    /// <summary>
    /// A stand-in for Application Insights' ingestion endpoint (/v2.1/track): a loopback recorder
    /// whose requests hold newline-separated telemetry items.
    /// </summary>
    private sealed class IngestionServer : IAsyncDisposable
    {
        private readonly LoopbackRecorder _recorder = LoopbackRecorder.Start(200, """{"itemsReceived":1,"itemsAccepted":1,"errors":[]}""");

        public Dictionary<string, string?> Settings => new()
        {
            [Telemetry.AppInsightsSetting] = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={_recorder.BaseUrl}",
        };

        private IEnumerable<string> Items => _recorder.Requests
            .Where(r => r.Path == "/v2.1/track")
            .SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        public string RawText() => string.Join('\n', Items);

        /// <summary>Polls with a deadline: the exporter sends from its own thread after a flush.</summary>
        public static async Task WaitForAsync(Func<bool> arrived)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!arrived() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        /// <summary>The last exported point of each metric, by name.</summary>
        public Dictionary<string, MetricPoint> Metrics()
        {
            var metrics = new Dictionary<string, MetricPoint>();
            foreach (var item in Items)
            {
                using var document = JsonDocument.Parse(item);
                var data = document.RootElement.GetProperty("data");
                if (data.GetProperty("baseType").GetString() != "MetricData")
                {
                    continue;
                }

                var baseData = data.GetProperty("baseData");
                var properties = baseData.TryGetProperty("properties", out var props)
                    ? props.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
                    : [];
                foreach (var metric in baseData.GetProperty("metrics").EnumerateArray())
                {
                    metrics[metric.GetProperty("name").GetString()!] = new MetricPoint(metric.GetProperty("value").GetDouble(), properties);
                }
            }

            return metrics;
        }

        public ValueTask DisposeAsync() => _recorder.DisposeAsync();
    }
}
