using System.IO.Compression;
using System.Net;
using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>The zip scripts/package.sh builds: its layout, the handler's executable bit, and the packaged handler running.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class PackageTests(PostgresClusterFixture fixture, FunctionPackage package) : IClassFixture<FunctionPackage>
{
    private const string HandlerEntry = "handler/UserSync.Functions";
    private const int AnyExecuteBits = 0b001_001_001;
    private const int UserExecuteBit = 0b001_000_000;

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30); // the host's own limit for GET /

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public void Zip_root_holds_host_json_the_handler_folder_and_one_folder_per_function_with_its_function_json()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        var functions = RepositoryFiles.Functions.Select(f => f.Name).ToList();

        Assert.Equal(functions.Append("handler").Append("host.json").Order(StringComparer.Ordinal),
            names.Select(n => n.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("host.json", names);
        Assert.All(functions, f => Assert.Contains($"{f}/function.json", names));
        Assert.All(names.Where(n => !n.StartsWith("handler/", StringComparison.Ordinal) && n != "host.json"),
            n => Assert.EndsWith("/function.json", n, StringComparison.Ordinal));
        Assert.Contains(HandlerEntry, names);
    }

    [Fact]
    public void Handler_folder_holds_no_function_json()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);

        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("handler/", StringComparison.Ordinal)
                                                && e.Name.Equals("function.json", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Packaged_host_json_and_function_json_files_are_the_repository_ones()
    {
        Assert.Equal(File.ReadAllText(RepositoryFiles.HostJson), File.ReadAllText(Path.Combine(package.ExtractedDirectory, "host.json")));
        Assert.All(RepositoryFiles.Functions, f =>
            Assert.Equal(File.ReadAllText(f.Path), File.ReadAllText(Path.Combine(package.ExtractedDirectory, f.Name, "function.json"))));
    }

    [Fact]
    public void Handler_entry_carries_a_unix_mode_with_the_executable_bits()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var entry = Assert.Single(zip.Entries, e => e.FullName == HandlerEntry);
        var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;

        Assert.True((mode & AnyExecuteBits) != 0, $"mode {Convert.ToString(mode, 8)} has no execute bit");
        Assert.True((mode & UserExecuteBit) != 0, $"mode {Convert.ToString(mode, 8)} is not executable by its owner");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Extracted_handler_is_executable_by_its_owner()
    {
        Assert.True(OperatingSystem.IsLinux(), "the package is for Linux and is checked on Linux");

        var mode = File.GetUnixFileMode(package.HandlerPath);

        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"extracted handler mode is {mode}");
    }

    [Fact]
    public async Task Packaged_handler_starts_answers_the_ping_and_serves_health_and_stats_from_the_database()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(1);
        var port = FreePort.Next();
        await using var handler = StartHandler(port, new()
        {
            ["UserSync__ConnectionString"] = db.ConnectionString,
            ["UserSync__Environment"] = "test",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        await WaitForPingAsync(handler, client);
        using var health = await client.GetAsync(new Uri("/api/user-sync/health", UriKind.Relative));
        using var stats = await client.GetAsync(new Uri("/api/user-sync/stats", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await Json.ReadAsync(health)).GetProperty("status").GetString());
        var measured = await HandlerAssert.OkJsonAsync(stats);
        Assert.Equal(1, measured.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(3, measured.GetProperty("authUsers").GetInt64());
    }

    [Fact]
    public async Task Packaged_handler_answers_a_DailyCheck_invocation_with_the_alerts_output()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        var port = FreePort.Next();
        await using var handler = StartHandler(port, new()
        {
            ["UserSync__ConnectionString"] = db.ConnectionString,
            ["UserSync__Environment"] = "test",
        });
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitForPingAsync(handler, client);

        using var response = await client.PostAsync(new Uri("/DailyCheck", UriKind.Relative),
            new StringContent(HostEnvelopes.Timer(), System.Text.Encoding.UTF8, "application/json"));

        var body = await HandlerAssert.InvocationResponseAsync(HttpStatusCode.OK, response);
        var alerts = body.GetProperty("Outputs").GetProperty("alerts");
        Assert.Equal(2, alerts.GetArrayLength());
        Assert.All(alerts.EnumerateArray(), a => Assert.Equal(JsonValueKind.Object, a.ValueKind));
    }

    [Fact]
    public async Task Packaged_handler_without_a_connection_string_exits_non_zero_naming_the_setting()
    {
        await using var handler = StartHandler(FreePort.Next(), new() { ["UserSync__Environment"] = "test" });

        var exitCode = await handler.WaitForExitAsync(StartDeadline);

        Assert.True(exitCode != 0, $"exit code 0; output:\n{handler.Output}");
        Assert.Contains("UserSync:ConnectionString", handler.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packaged_handler_with_a_schedule_that_is_not_NCRONTAB_exits_non_zero_naming_DailyCheckSchedule()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = StartHandler(FreePort.Next(), new()
        {
            ["UserSync__ConnectionString"] = db.ConnectionString,
            ["UserSync__Environment"] = "test",
            ["DailyCheckSchedule"] = "not a cron",
        });

        var exitCode = await handler.WaitForExitAsync(StartDeadline);

        Assert.True(exitCode != 0, $"exit code 0; output:\n{handler.Output}");
        Assert.Contains("DailyCheckSchedule", handler.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("UserSync:ConnectionString", handler.Output, StringComparison.Ordinal);
    }

    // Started as the host starts it: from host.json's working directory, port in the environment.
    private ChildProcess StartHandler(int port, Dictionary<string, string> settings)
    {
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ChildProcess.Start(package.HandlerPath, [], package.HandlerDirectory, settings);
    }

    private static async Task WaitForPingAsync(ChildProcess handler, HttpClient client)
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            Assert.False(handler.HasExited, $"the handler exited before answering GET / (exit code {(handler.HasExited ? handler.ExitCode : 0)}):\n{handler.Output}");
            try
            {
                using var ping = await client.GetAsync(new Uri("/", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET / did not answer within {StartDeadline}:\n{handler.Output}");
            await handler.ExitedOrElapsedAsync(TimeSpan.FromMilliseconds(100));
        }
    }
}
