using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using UserSync.Core.Options;
using UserSync.Core.Store;
using UserSync.FunctionsHost;

// Measures the host stand-in with the real function app: the worker's cold start, and what one
// HTTP invocation through the stand-in (front -> YARP proxy + gRPC InvocationRequest -> worker ->
// ASP.NET Core) costs over calling the endpoint's core method in process. Prints a markdown
// section for docs/performance.md; bench/functions_host.sh runs it.
//   FunctionsHostBench APP_DIR DB_CONNECTION STORAGE_CONNECTION COLD_RUNS REQUESTS
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: FunctionsHostBench APP_DIR DB_CONNECTION STORAGE_CONNECTION COLD_RUNS REQUESTS");
    return 64;
}

var (appDirectory, database, storage) = (args[0], args[1], args[2]);
var coldRuns = int.Parse(args[3], CultureInfo.InvariantCulture);
var requests = int.Parse(args[4], CultureInfo.InvariantCulture);
var settings = new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = storage,
    ["DailyCheckSchedule"] = "0 0 2 * * *",
    ["UserSync__ConnectionString"] = database,
    ["UserSync__Environment"] = "bench",
};
var options = new LocalHostOptions { AppDirectory = appDirectory, Settings = settings };

// 1. Cold start: a new worker process each run, to WorkerInitResponse, to every function
//    loaded, and to the first HTTP invocation answered (GET health through the front).
var cold = new List<(double Init, double Loaded, double First)>();
for (var run = 0; run < coldRuns; run++)
{
    await using var host = await LocalFunctionsHost.StartAsync(options, CancellationToken.None);
    var front = await host.StartHttpFrontAsync(0, CancellationToken.None);
    using var http = new HttpClient { BaseAddress = front.BaseAddress };
    using var response = await http.GetAsync(new Uri("api/user-sync/health", UriKind.Relative));
    response.EnsureSuccessStatusCode();
    var first = TimeProvider.System.GetUtcNow() - host.Startup.ProcessStarted;
    cold.Add((host.Startup.Initialized.TotalMilliseconds, host.Startup.FunctionsLoaded.TotalMilliseconds, first.TotalMilliseconds));
}

// 2. Per invocation, warm: GET status through the stand-in vs the same work in process (the
//    store call GetStatus makes, and the JSON it writes), and GET health (no work: the floor).
var userSync = new UserSyncOptions { ConnectionString = database, Environment = "bench" };
var dataSource = MonitorConnections.BuildDataSource(userSync);
await using var _ = dataSource;
var store = new PostgresUserSyncStore(new MonitorConnections(dataSource, Options.Create(userSync)));
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };

double[] throughStatus, throughHealth, direct;
await using (var host = await LocalFunctionsHost.StartAsync(options, CancellationToken.None))
{
    var front = await host.StartHttpFrontAsync(0, CancellationToken.None);
    using var http = new HttpClient { BaseAddress = front.BaseAddress };
    async Task<double> GetAsync(string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    async Task<double> DirectAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var run = await store.GetLatestRunAsync(CancellationToken.None) ?? throw new InvalidOperationException("no run recorded");
        JsonSerializer.SerializeToUtf8Bytes(run, json);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    for (var i = 0; i < 50; i++)
    {
        await GetAsync("api/user-sync/status");
        await GetAsync("api/user-sync/health");
        await DirectAsync();
    }

    // Interleaved, so drift on a shared machine hits every arm alike.
    throughStatus = new double[requests];
    throughHealth = new double[requests];
    direct = new double[requests];
    for (var i = 0; i < requests; i++)
    {
        throughStatus[i] = await GetAsync("api/user-sync/status");
        direct[i] = await DirectAsync();
        throughHealth[i] = await GetAsync("api/user-sync/health");
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

string Ms(double ms) => ms >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms");

var inv = CultureInfo.InvariantCulture;
var medianStatus = Median(throughStatus);
var medianDirect = Median(direct);
var medianHealth = Median(throughHealth);
Console.WriteLine("## The function app under the host stand-in");
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"Measured by `bench/functions_host.sh` with the Release build of `src/UserSync.Functions` run as its real worker process by `src/UserSync.FunctionsHost` (gRPC on loopback, HTTP proxied with YARP), a throwaway PostgreSQL 15 and Azurite. These figures describe the stand-in on this machine, not Azure: the real host adds its own start-up (and, on Flex Consumption, instance allocation) before the worker starts, and its own HTTP pipeline (keys, middleware) in front of the proxy."));
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"Cold start, {coldRuns} runs (a new worker process each), median:"));
Console.WriteLine();
Console.WriteLine("| from the worker process start to | median | min | max |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| WorkerInitResponse | {Ms(Median(cold.Select(c => c.Init)))} | {Ms(cold.Min(c => c.Init))} | {Ms(cold.Max(c => c.Init))} |");
Console.WriteLine($"| every function loaded (FunctionLoadResponse) | {Ms(Median(cold.Select(c => c.Loaded)))} | {Ms(cold.Min(c => c.Loaded))} | {Ms(cold.Max(c => c.Loaded))} |");
Console.WriteLine($"| first invocation answered (GET /api/user-sync/health, the stand-in's HTTP front started after the load) | {Ms(Median(cold.Select(c => c.First)))} | {Ms(cold.Min(c => c.First))} | {Ms(cold.Max(c => c.First))} |");
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"Per invocation, warm worker, {requests} requests of each arm interleaved after 50 warm-up rounds, keep-alive client:"));
Console.WriteLine();
Console.WriteLine("| arm | median | p90 |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| `GET /api/user-sync/status` through the stand-in (GetStatus: store.GetLatestRunAsync + JSON) | {Ms(medianStatus)} | {Ms(Percentile(throughStatus, 0.9))} |");
Console.WriteLine($"| the same core call in process (`PostgresUserSyncStore.GetLatestRunAsync` + the same JSON) | {Ms(medianDirect)} | {Ms(Percentile(direct, 0.9))} |");
Console.WriteLine($"| `GET /api/user-sync/health` through the stand-in (no database: the protocol's floor) | {Ms(medianHealth)} | {Ms(Percentile(throughHealth, 0.9))} |");
Console.WriteLine();
Console.WriteLine(string.Create(inv, $"Overhead of going through the host stand-in and the worker: {Ms(medianStatus - medianDirect)} per request (median status − median direct; {medianStatus / medianDirect:0.0}× the direct call); the health function alone takes {Ms(medianHealth)}."));
return 0;
