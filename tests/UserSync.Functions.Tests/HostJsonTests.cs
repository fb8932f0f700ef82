using System.Globalization;
using System.Text.Json;
using UserSync.Alerts;
using UserSync.Functions.Http;

namespace UserSync.Functions.Tests;

/// <summary>
/// host.json as the Functions host reads it for a dotnet-isolated app: written out as explicit
/// assertions on each setting the app relies on (the repository keeps no copy of a published
/// schema), plus the timing relations between those settings and the code's own limits.
/// </summary>
public sealed class HostJsonTests
{
    // The top-level sections the Functions 4.x host knows; anything else is a typo it ignores.
    private static readonly string[] KnownSections =
    [
        "version", "functionTimeout", "telemetryMode", "logging", "extensions", "aggregator", "concurrency", "healthMonitor",
        "retry", "singleton", "watchDirectories", "watchFiles", "managedDependency", "extensionBundle", "customHandler",
    ];

    private static readonly JsonElement Host = Json.Parse(File.ReadAllText(RepositoryFiles.HostJson));

    [Fact]
    public void It_is_a_version_2_host_json_in_OpenTelemetry_mode_with_only_sections_the_host_knows()
    {
        Assert.Equal("2.0", Host.GetProperty("version").GetString());
        Assert.Equal("OpenTelemetry", Host.GetProperty("telemetryMode").GetString());
        Assert.All(Host.EnumerateObject(), p => Assert.Contains(p.Name, KnownSections));
    }

    [Fact]
    public void A_dotnet_isolated_app_has_no_custom_handler_and_no_extension_bundle()
    {
        // The worker's extensions come with the build (extensions.json + .azurefunctions/), not from a bundle.
        Assert.False(Host.TryGetProperty("customHandler", out _));
        Assert.False(Host.TryGetProperty("extensionBundle", out _));
    }

    [Fact]
    public void The_function_timeout_is_set_and_longer_than_the_longest_thing_a_function_does()
    {
        var timeout = TimeSpan.Parse(Host.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);

        Assert.InRange(timeout, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30));
        // A repair stops starting batches after its budget; one more batch must still fit.
        Assert.True(timeout > RepairGhostsFunction.RepairBudget * 2, $"functionTimeout {timeout} leaves no room after the repair budget");
    }

    [Fact]
    public void The_queue_extension_retries_five_times_with_a_minute_between_tries_in_base64()
    {
        var queues = Host.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("00:01:00", queues.GetProperty("visibilityTimeout").GetString());
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.InRange(queues.GetProperty("batchSize").GetInt32(), 1, 32);
        Assert.Equal("api", Host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void A_crashed_send_is_retried_before_the_message_is_poisoned()
    {
        // The ledger's claim lease must lapse while the queue still has tries left, or an alert whose
        // dispatcher died mid-send is poisoned although a later try could have sent it.
        var queues = Host.GetProperty("extensions").GetProperty("queues");
        var visibility = TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, CultureInfo.InvariantCulture);
        var triesLast = visibility * (queues.GetProperty("maxDequeueCount").GetInt32() - 1);

        Assert.True(new AlertDeliveryLedgerOptions().ClaimLease < triesLast, $"claim lease outlasts the {triesLast} the retries take");
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("System.Net.Http.HttpClient")]
    public void The_categories_that_log_request_urls_log_warnings_only(string category)
    {
        var levels = Host.GetProperty("logging").GetProperty("logLevel");

        Assert.Equal("Warning", levels.GetProperty(category).GetString());
    }
}
