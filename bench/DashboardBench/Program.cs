using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;
using UserSync.FunctionsHost;

// Measures the admin dashboard (docs/dashboard.md) on one prepared database: the Release function
// app as its real worker process under the host stand-in, dashboard auth mode None, Debian's
// Chromium driven by Playwright. Prints a markdown subsection for docs/performance.md and writes
// the figures the verdicts need as JSON; bench/dashboard.sh prepares the data and runs it.
//   DashboardBench APP_DIR MONITOR_CONNECTION ADMIN_CONNECTION STORAGE_CONNECTION ROUNDS PAGE_LOADS POLL_SECONDS VERDICT_JSON
//
// 1. Statements: pg_stat_statements reset (track = all, so the statements inside the security
//    definer functions show too), one page load and one poll round in the browser, then every
//    statement the app ran, and the reads of auth.users / public.users before/after
//    (pg_stat_user_tables, pg_statio_user_tables); then the same deltas for each view alone.
// 2. Each view GET, ROUNDS times interleaved (order rotated round by round), without and with
//    If-None-Match (the tag of the answer just before: the 304 path), while the page polls in
//    the browser every POLL_SECONDS.
// 3. Page load to first meaningful paint, PAGE_LOADS loads, each in a new browser context.
if (args.Length != 8)
{
    Console.Error.WriteLine("usage: DashboardBench APP_DIR MONITOR_CONNECTION ADMIN_CONNECTION STORAGE_CONNECTION ROUNDS PAGE_LOADS POLL_SECONDS VERDICT_JSON");
    return 64;
}

const string ChromiumPath = "/usr/bin/chromium";
const double TargetP99Ms = 20;
var inv = CultureInfo.InvariantCulture;
var (appDirectory, monitor, adminConnection, storage) = (args[0], args[1], args[2], args[3]);
var rounds = int.Parse(args[4], inv);
var pageLoads = int.Parse(args[5], inv);
var pollSeconds = int.Parse(args[6], inv);
var verdictPath = args[7];

var views = new (string Name, string Path)[]
{
    ("me", "view/me"),
    ("summary", "view/summary"),
    ("history, 7 days", "view/history?days=7"),
    ("history, 30 days", "view/history?days=30"),
    ("history, 90 days", "view/history?days=90"),
    ("alerts", "view/alerts?limit=50"),
    ("ghosts, first page (20, as the page asks)", "view/ghosts?limit=20"),
    ("audit", "view/audit?limit=20"),
    ("report (this month)", "view/report"),
};
const string GhostsPath = "view/ghosts?limit=20";
const long GhostPageRows = 20;

await using var admin = NpgsqlDataSource.Create(adminConnection);
async Task<List<object?[]>> Rows(string sql)
{
    await using var command = admin.CreateCommand(sql);
    await using var reader = await command.ExecuteReaderAsync();
    var rows = new List<object?[]>();
    while (await reader.ReadAsync())
    {
        var row = new object?[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        rows.Add(row);
    }

    return rows;
}

async Task<long> Count(string sql) => Convert.ToInt64((await Rows(sql))[0][0], inv);

// The reads of the two users tables so far (cumulative counters of the statistics system).
const string TableStatsSql = """
    select s.relid::regclass::text, s.seq_scan, s.seq_tup_read, coalesce(s.idx_scan, 0), coalesce(s.idx_tup_fetch, 0),
           coalesce(io.heap_blks_read, 0) + coalesce(io.heap_blks_hit, 0), coalesce(io.idx_blks_read, 0) + coalesce(io.idx_blks_hit, 0)
      from pg_stat_user_tables s join pg_statio_user_tables io using (relid)
     where s.relid in ('auth.users'::regclass, 'public.users'::regclass)
     order by 1
    """;
async Task<Dictionary<string, long[]>> TableStats() =>
    (await Rows(TableStatsSql)).ToDictionary(r => (string)r[0]!, r => r.Skip(1).Select(v => Convert.ToInt64(v, inv)).ToArray(), StringComparer.Ordinal);
static Dictionary<string, long[]> Delta(Dictionary<string, long[]> before, Dictionary<string, long[]> after) =>
    after.ToDictionary(kv => kv.Key, kv => kv.Value.Zip(before[kv.Key], (a, b) => a - b).ToArray(), StringComparer.Ordinal);
// A backend sends its table statistics when it goes idle, at most once a second (PGSTAT_MIN_INTERVAL),
// or up to 10 s later when the shared statistics are busy (PGSTAT_IDLE_INTERVAL).
static Task Flushed(double seconds) => Task.Delay(TimeSpan.FromSeconds(seconds));

var facts = new
{
    AuthUsers = await Count("select count(*) from auth.users"),
    Profiles = await Count("select count(*) from public.users"),
    Ghosts = await Count("select ghost_users from user_sync.monitoring_log where source <> 'incremental' order by checked_at desc limit 1"),
    FullRuns = await Count("select count(*) from user_sync.monitoring_log where source <> 'incremental'"),
    IncrementalRuns = await Count("select count(*) from user_sync.monitoring_log where source = 'incremental'"),
    Deliveries = await Count("select count(*) from user_sync.alert_deliveries"),
    AuditRows = await Count("select count(*) from user_sync.cleanup_audit_log"),
    AuthHeapMb = await Count("select pg_relation_size('auth.users') / 1048576"),
};

var settings = new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = storage,
    ["DailyCheckSchedule"] = "0 0 2 * * *",
    ["IncrementalCheckSchedule"] = "0 */10 * * * *",
    ["MonthlyReportSchedule"] = "0 0 6 1 * *",
    ["UserSync__ConnectionString"] = monitor,
    ["UserSync__Environment"] = "bench",
    ["UserSync__Dashboard__Authentication"] = "None",
    ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
    ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true",
};
await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions { AppDirectory = appDirectory, Settings = settings }, CancellationToken.None);
var front = await host.StartHttpFrontAsync(0, CancellationToken.None);
using var http = new HttpClient { BaseAddress = new Uri(front.BaseAddress, "api/user-sync/"), Timeout = TimeSpan.FromMinutes(5) };
string PageUrl(int poll) => new Uri(front.BaseAddress, string.Create(inv, $"api/user-sync/dashboard/?poll={poll}")).ToString();

async Task<(double Ms, HttpStatusCode Status, string? ETag, int Bytes)> Get(string path, string? ifNoneMatch = null)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
    if (ifNoneMatch is not null)
    {
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
    }

    var started = Stopwatch.GetTimestamp();
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsByteArrayAsync();
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotModified))
    {
        throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
    }

    return (ms, response.StatusCode, response.Headers.ETag?.ToString(), body.Length);
}

// Warm-up: every view a few times (JIT, plans, connection pool), and how slow each is.
var firstMs = new Dictionary<string, double>(StringComparer.Ordinal);
foreach (var (_, path) in views)
{
    for (var i = 0; i < 5; i++)
    {
        firstMs[path] = (await Get(path)).Ms;
    }
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = ChromiumPath,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
async Task<IBrowserContext> Context() => await browser.NewContextAsync(new BrowserNewContextOptions
{
    ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
    TimezoneId = "UTC",
    Locale = "en-GB",
});

// ---- 1. statements of one page load + one poll round ----------------------------------------
await Flushed(11); // the warm-up's reads, reported late, are not the page's
await Rows("select pg_stat_statements_reset()");
var beforePage = await TableStats();
var pageRequests = new List<string>();
await using (var context = await Context())
{
    var page = await context.NewPageAsync();
    page.Response += (_, response) =>
    {
        if (response.Url.Contains("/view/", StringComparison.Ordinal))
        {
            lock (pageRequests)
            {
                pageRequests.Add(string.Create(inv, $"{response.Url[(response.Url.IndexOf("/view/", StringComparison.Ordinal) + 1)..]} {response.Status}"));
            }
        }
    };
    await page.GotoAsync(PageUrl(2));
    await page.Locator("main[aria-busy='false']").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
    var refreshed = await page.Locator("#updated").GetAttributeAsync("data-refreshed");
    lock (pageRequests)
    {
        pageRequests.Add("-- poll --");
    }

    await page.WaitForFunctionAsync("r => document.getElementById('updated')?.dataset.refreshed !== r", refreshed,
        new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 50 });
}

await Flushed(11);
var pageDelta = Delta(beforePage, await TableStats());
var statements = await Rows("""
    select r.rolname, s.toplevel, s.calls, s.rows, regexp_replace(s.query, '\s+', ' ', 'g'), s.total_exec_time / s.calls
      from pg_stat_statements s join pg_roles r on r.oid = s.userid
     where s.dbid = (select oid from pg_database where datname = current_database()) and r.rolname <> current_user
     order by s.toplevel desc, s.calls desc, 5
    """);

// Each view alone: whose reads of the users tables are they.
var viewDeltas = new List<(string Name, Dictionary<string, long[]> Delta)>();
var startViews = await TableStats();
foreach (var (name, path) in views)
{
    var before = await TableStats();
    await Get(path);
    await Flushed(11);
    viewDeltas.Add((name, Delta(before, await TableStats())));
}

await Flushed(11);
var allViews = Delta(startViews, await TableStats());
var attributed = viewDeltas.Aggregate(new Dictionary<string, long[]>(StringComparer.Ordinal), (sum, v) =>
{
    foreach (var (table, d) in v.Delta)
    {
        sum[table] = sum.TryGetValue(table, out var s) ? s.Zip(d, (a, b) => a + b).ToArray() : d;
    }

    return sum;
});
var deltasConsistent = allViews.All(kv => kv.Value.SequenceEqual(attributed[kv.Key]));

// ---- 2. each view, interleaved, with the page polling ----------------------------------------
var plain = views.ToDictionary(v => v.Path, _ => new List<double>(), StringComparer.Ordinal);
var conditional = views.ToDictionary(v => v.Path, _ => new List<double>(), StringComparer.Ordinal);
var notModified = views.ToDictionary(v => v.Path, _ => 0, StringComparer.Ordinal);
var bytes = new Dictionary<string, int>(StringComparer.Ordinal);
// A view slower than 200 ms at warm-up (none is meant to be) is asked every 10th round only, so the
// run stays within minutes; its row says how many samples it has.
var every = views.ToDictionary(v => v.Path, v => firstMs[v.Path] > 200 ? 10 : 1, StringComparer.Ordinal);
int pollRequests = 0, pollFailures = 0;
var pollStarted = Stopwatch.GetTimestamp();
double latencySeconds;
await using (var pollContext = await Context())
{
    var poller = await pollContext.NewPageAsync();
    poller.Response += (_, response) =>
    {
        if (response.Url.Contains("/view/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref pollRequests);
            if (response.Status >= 400)
            {
                Interlocked.Increment(ref pollFailures);
            }
        }
    };
    await poller.GotoAsync(PageUrl(pollSeconds));
    await poller.Locator("main[aria-busy='false']").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
    pollStarted = Stopwatch.GetTimestamp();
    for (var round = 0; round < rounds; round++)
    {
        for (var k = 0; k < views.Length; k++)
        {
            var path = views[(k + round) % views.Length].Path;
            if (round % every[path] != 0)
            {
                continue;
            }

            var first = await Get(path);
            plain[path].Add(first.Ms);
            bytes[path] = first.Bytes;
            var second = await Get(path, first.ETag);
            conditional[path].Add(second.Ms);
            if (second.Status == HttpStatusCode.NotModified)
            {
                notModified[path]++;
            }
        }
    }

    latencySeconds = Stopwatch.GetElapsedTime(pollStarted).TotalSeconds;
}

// ---- 3. page load to first meaningful paint, another page polling meanwhile -------------------

// The page sets main[aria-busy=false] when its first data is rendered; the frame after that is the
// first paint with data. FCP and LCP from PerformanceObserver; navigation timing for the rest.
const string InitScript = """
    (() => {
      const b = window.__bench = {};
      new PerformanceObserver((l) => { for (const e of l.getEntries()) b[e.name] = e.startTime; }).observe({ type: "paint", buffered: true });
      new PerformanceObserver((l) => { const e = l.getEntries(); b.lcp = e[e.length - 1].startTime; }).observe({ type: "largest-contentful-paint", buffered: true });
      new MutationObserver(() => {
        const main = document.querySelector("main");
        if (b.data === undefined && main && main.getAttribute("aria-busy") === "false") {
          b.data = performance.now();
          requestAnimationFrame(() => setTimeout(() => { b.dataPainted = performance.now(); }, 0));
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["aria-busy"] });
    })();
    """;
var loads = new List<double[]>();
await using (var pollContext = await Context())
{
    var poller = await pollContext.NewPageAsync();
    await poller.GotoAsync(PageUrl(pollSeconds));
    for (var i = 0; i < pageLoads + 1; i++)
    {
        await using var context = await Context();
        await context.AddInitScriptAsync(InitScript);
        var page = await context.NewPageAsync();
        await page.GotoAsync(PageUrl(15));
        await page.WaitForFunctionAsync("() => window.__bench && window.__bench.dataPainted !== undefined", null,
            new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 20 });
        var t = await page.EvaluateAsync<JsonElement>("""
            () => {
              const n = performance.getEntriesByType("navigation")[0];
              const r = performance.getEntriesByType("resource");
              const b = window.__bench;
              return [n.responseEnd, n.domContentLoadedEventEnd, b["first-contentful-paint"] ?? -1, b.lcp ?? -1, b.data, b.dataPainted,
                      r.length + 1, (n.transferSize + r.reduce((s, e) => s + e.transferSize, 0)) / 1024];
            }
            """);
        if (i > 0)
        {
            loads.Add(t.EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }
    }
}

// ---- output ---------------------------------------------------------------------------------
static double Percentile(IReadOnlyCollection<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

static double Median(IEnumerable<double> values)
{
    var s = values.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

string Ms(double ms) => ms >= 1000 ? string.Create(inv, $"{ms / 1000:0.00} s") : string.Create(inv, $"{ms:0.0} ms");
string N(long n) => n.ToString("N0", inv);
void Line(FormattableString s) => Console.WriteLine(s.ToString(inv));

Line($"### {N(facts.AuthUsers)} auth users");
Console.WriteLine();
Line($"Data: {N(facts.AuthUsers)} auth users ({N(facts.AuthHeapMb)} MB heap), {N(facts.Profiles)} profiles, {N(facts.Ghosts)} ghosts in the latest full run; history {N(facts.FullRuns)} full runs and {N(facts.IncrementalRuns)} incremental runs, {N(facts.Deliveries)} delivery rows, {N(facts.AuditRows)} audit rows.");
Console.WriteLine();
Line($"Each view's GET, {rounds} rounds interleaved (order rotated each round) after 5 warm-up calls each, keep-alive client; each plain GET is followed by the same GET with `If-None-Match` set to its ETag. Meanwhile the page polled in Chromium every {pollSeconds} s: {pollRequests} view requests, {pollFailures} failed, over {latencySeconds:0} s.");
Console.WriteLine();
Console.WriteLine("| view | samples | 200: p50 | 200: p99 | If-None-Match: p50 | If-None-Match: p99 | answered 304 | body | p99 ≤ 20 ms |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
var worst = (Name: "", P99: 0.0);
foreach (var (name, path) in views)
{
    var p99 = Math.Max(Percentile(plain[path], 0.99), Percentile(conditional[path], 0.99));
    if (p99 > worst.P99)
    {
        worst = (name, p99);
    }

    var samples = plain[path].Count;
    Line($"| `GET {path}` {name} | {samples}{(samples < 100 ? " (p99 = max)" : "")} | {Ms(Median(plain[path]))} | {Ms(Percentile(plain[path], 0.99))} | {Ms(Median(conditional[path]))} | {Ms(Percentile(conditional[path], 0.99))} | {notModified[path]}/{samples} | {N(bytes[path])} B | {(p99 <= TargetP99Ms ? "yes" : "**no**")} |");
}

Console.WriteLine();
Line($"Page load (a new browser context each: nothing cached), {pageLoads} loads after one warm-up, from navigation start, while another page polls:");
Console.WriteLine();
Console.WriteLine("| milestone | median | min | max |");
Console.WriteLine("|---|---|---|---|");
string[] milestones = ["HTML received (responseEnd)", "DOMContentLoaded", "first contentful paint", "largest contentful paint (so far)", "first data rendered (`main[aria-busy=false]`)", "**first meaningful paint** (the frame after the data)"];
for (var m = 0; m < milestones.Length; m++)
{
    var values = loads.Select(l => l[m]).Where(v => v >= 0).ToList();
    Line($"| {milestones[m]} | {(values.Count > 0 ? Ms(Median(values)) : "n/a")} | {(values.Count > 0 ? Ms(values.Min()) : "n/a")} | {(values.Count > 0 ? Ms(values.Max()) : "n/a")} |");
}

Line($"| requests / transferred | {Median(loads.Select(l => l[6])):0} | {Median(loads.Select(l => l[7])):0} KiB | |");
Console.WriteLine();

Line($"Statements of one page load and one poll round (pg_stat_statements, `track = all`, reset before; the app's role and, inside the security definer functions, their owner). The page asked: {string.Join(", ", pageRequests.Select(r => $"`{r}`"))}.");
Console.WriteLine();
Console.WriteLine("| role | level | calls | rows | mean time | statement (first 220 characters) | names a users table |");
Console.WriteLine("|---|---|---|---|---|---|---|");
var usersTable = new Regex(@"\b(auth|public)\.users\b", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
foreach (var s in statements)
{
    var text = (string)s[4]!;
    var shortText = (text.Length > 220 ? text[..220] + " …" : text).Replace("|", "\\|", StringComparison.Ordinal);
    Line($"| {s[0]} | {((bool)s[1]! ? "top" : "nested")} | {Convert.ToInt64(s[2], inv)} | {Convert.ToInt64(s[3], inv)} | {Convert.ToDouble(s[5], inv):0.00} ms | `{shortText}` | {(usersTable.IsMatch(text) ? "**yes**" : "")} |");
}

Console.WriteLine();
Console.WriteLine("Reads of the users tables (pg_stat_user_tables / pg_statio_user_tables deltas; blocks = shared-buffer hits + reads):");
Console.WriteLine();
Console.WriteLine("| what ran | table | seq scans | rows by seq scan | index scans | rows by index | heap blocks | index blocks |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
void DeltaRows(string what, Dictionary<string, long[]> d)
{
    foreach (var (table, v) in d.OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        Line($"| {what} | {table} | {N(v[0])} | {N(v[1])} | {N(v[2])} | {N(v[3])} | {N(v[4])} | {N(v[5])} |");
    }
}

DeltaRows("page load + one poll round", pageDelta);
foreach (var (name, d) in viewDeltas)
{
    DeltaRows($"`{views.First(v => v.Name == name).Path}` alone", d);
}

Console.WriteLine();
// "Scans the users tables": more than a view's lookups. A probe (get_dashboard_summary's `exists` on
// each table, which stops at the first row) reads one row and a few blocks, and a backend that
// plans it for the first time reads each index's metapage (auth.users has 11 indexes); the ghost page
// looks up each of its ids by primary key in each table (a B-tree descent and a heap block: at most
// LookupBlocks blocks an id). A scan reads more.
const long ProbeRows = 2, ProbeBlocks = 16, LookupBlocks = 5;
long Lookups(string path) => path == GhostsPath ? GhostPageRows : 0;
bool Scans(string path, long[] v) =>
    v[1] > ProbeRows || v[3] > ProbeRows + Lookups(path) || v[4] > ProbeBlocks + LookupBlocks * Lookups(path)
    || v[5] > ProbeBlocks + LookupBlocks * Lookups(path);
var scanners = viewDeltas.Select(v => (Path: views.First(x => x.Name == v.Name).Path, v.Delta))
    .Where(v => v.Delta.Values.Any(d => Scans(v.Path, d))).Select(v => v.Path).ToList();
Line($"Views that read more of a users table than a probe ({ProbeRows} rows / {ProbeBlocks} blocks) plus, for the ghost page, its {GhostPageRows} primary-key lookups ({LookupBlocks} blocks each): {(scanners.Count == 0 ? "none" : string.Join(", ", scanners.Select(r => $"`{r}`")))}. {(deltasConsistent ? "The per-view deltas add up to the delta over all of them (read 11 s after the last)." : "**The per-view deltas do not add up to the delta over all of them: a backend reported late; read the attribution with care.**")}");

var verdict = new
{
    users = facts.AuthUsers,
    ghosts = facts.Ghosts,
    worstView = worst.Name,
    worstP99Ms = worst.P99,
    ghostsP99Ms = Math.Max(Percentile(plain[GhostsPath], 0.99), Percentile(conditional[GhostsPath], 0.99)),
    ghostsP50Ms = Median(plain[GhostsPath]),
    pageScansUsers = pageDelta.Values.Any(d => Scans("", d)),
    scanners,
    firstMeaningfulPaintMs = Median(loads.Select(l => l[5])),
};
await File.WriteAllTextAsync(verdictPath, JsonSerializer.Serialize(verdict));
return 0;
