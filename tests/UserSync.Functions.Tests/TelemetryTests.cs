using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using OpenTelemetry.Metrics;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The handler's metrics reach Azure Monitor: the exporter is pointed (through the connection
/// string's IngestionEndpoint) at a loopback server that records what Application Insights would
/// receive, and a DailyCheck run's numbers must arrive there under their names.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class TelemetryTests(PostgresClusterFixture fixture)
{
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
    public async Task A_daily_check_exports_its_gauges_counters_and_heartbeat_to_the_ingestion_endpoint()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.SignUpAsync(5);
        await database.AddGhostsAsync(3);
        await using var ingestion = await IngestionServer.StartAsync();
        await using var handler = await HandlerServer.StartAsync(database.ConnectionString, builder =>
            builder.Configuration[Telemetry.AppInsightsSetting] =
                $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.BaseUrl}");

        using var response = await handler.PostJsonAsync("DailyCheck", HostEnvelopes.Timer());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // No flush from the test: DailyCheck pushes its metrics out before it answers (the periodic
        // export would take 60 s, longer than this wait).
        await IngestionServer.WaitForAsync(() => ingestion.Metrics().ContainsKey("usersync.heartbeat"));
        var metrics = ingestion.Metrics();
        Assert.Equal(3, metrics["usersync.ghost_users"].Value);
        Assert.Equal(0, metrics["usersync.orphaned_profiles"].Value);
        Assert.Equal(3, metrics["usersync.count_difference"].Value);
        Assert.Equal(1, metrics["usersync.trigger_enabled"].Value);
        Assert.Equal(1, metrics["usersync.heartbeat"].Value);
        Assert.Equal(1, metrics["usersync.check.runs"].Value);
        Assert.Equal("completed", metrics["usersync.check.runs"].Properties["outcome"]);
        Assert.Equal("test", metrics["usersync.ghost_users"].Properties["environment"]);
        Assert.True(metrics.ContainsKey("usersync.check.duration"));
        Assert.DoesNotContain("@example.com", ingestion.RawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_monitor_that_cannot_reach_the_database_still_sends_its_heartbeat_and_a_could_not_run_count()
    {
        await using var ingestion = await IngestionServer.StartAsync();
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString, builder =>
            builder.Configuration[Telemetry.AppInsightsSetting] =
                $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.BaseUrl}");

        using var response = await handler.PostJsonAsync("DailyCheck", HostEnvelopes.Timer());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(handler.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));

        await IngestionServer.WaitForAsync(() => ingestion.Metrics().ContainsKey("usersync.heartbeat"));
        var metrics = ingestion.Metrics();
        Assert.Equal(1, metrics["usersync.heartbeat"].Value);
        Assert.Equal("could_not_run", metrics["usersync.check.runs"].Properties["outcome"]);
        Assert.False(metrics.ContainsKey("usersync.ghost_users"));
        Assert.DoesNotContain("hunter2", ingestion.RawText(), StringComparison.Ordinal);
    }

    // The Azure Monitor trace exporter sends nothing from inside this test process (the same
    // handler run as its own process does send its request and Npgsql spans, checked by hand), so
    // the spans are read from an in-memory exporter on the handler's own tracing pipeline.
    [Fact]
    public async Task The_request_span_continues_the_hosts_traceparent_and_carries_the_invocation_id_but_no_key()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        var spans = new List<System.Diagnostics.Activity>();
        await using var handler = await HandlerServer.StartAsync(database.ConnectionString, builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/user-sync/stats?code=SECRETKEY789");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Add(Telemetry.InvocationIdHeader, "5d3f2a4e-0000-4000-8000-000000000042");

        // A client that sends the headers as given, like the host: no propagation of this process's own activity.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = handler.Client.BaseAddress };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(handler.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));

        List<System.Diagnostics.Activity> inTrace;
        lock (spans)
        {
            inTrace = spans.Where(a => a.TraceId.ToHexString() == traceId).ToList();
        }

        var server = Assert.Single(inTrace, a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("00f067aa0ba902b7", server.ParentSpanId.ToHexString());
        Assert.Equal("5d3f2a4e-0000-4000-8000-000000000042", server.GetTagItem("faas.invocation_id"));
        Assert.Contains(inTrace, a => a.Source.Name == "Npgsql");
        var tags = string.Join(" ", inTrace.SelectMany(a => a.TagObjects).Select(t => $"{t.Key}={t.Value}"));
        Assert.DoesNotContain("SECRETKEY789", tags, StringComparison.Ordinal);
    }

    private sealed record MetricPoint(double Value, IReadOnlyDictionary<string, string> Properties);

    /// <summary>
    /// A stand-in for Application Insights' ingestion endpoint (/v2.1/track): a loopback recorder
    /// whose requests hold newline-separated telemetry items.
    /// </summary>
    private sealed class IngestionServer : IAsyncDisposable
    {
        private readonly LoopbackRecorder _recorder = LoopbackRecorder.Start(200, """{"itemsReceived":1,"itemsAccepted":1,"errors":[]}""");

        private IEnumerable<string> Items => _recorder.Requests
            .Where(r => r.Path == "/v2.1/track")
            .SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        public string BaseUrl => _recorder.BaseUrl;

        public static Task<IngestionServer> StartAsync() => Task.FromResult(new IngestionServer());

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
