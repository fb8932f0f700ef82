using System.Text.Json;
using UserSync.FunctionsHost.Tests.Fixtures;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests;

/// <summary>The start protocol against the real worker: every function the build lists is indexed by the worker and loaded.</summary>
[Collection(SharedWorkerDefinition.Name)]
public sealed class FunctionLoadingTests(SharedWorker app)
{
    [Fact]
    public void Every_function_in_the_builds_functions_metadata_is_loaded_by_the_worker()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionAppBuild.Directory, "functions.metadata")));
        var listed = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();

        var loaded = app.Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(listed, loaded);
        Assert.Contains("DailyCheck", loaded);
        Assert.Contains("AlertDispatcher", loaded);
        Assert.Contains(app.Host.Functions, f => f.Description.Trigger.Is("httpTrigger"));
        Assert.All(app.Host.Functions, f => Assert.True(Guid.TryParse(f.FunctionId, out _) || f.FunctionId.Length > 0));
    }

    [Fact]
    public void The_worker_advertises_its_ASP_NET_Core_endpoint_and_the_start_took_measurable_steps()
    {
        Assert.True(Uri.TryCreate(app.Host.WorkerCapabilities["HttpUri"], UriKind.Absolute, out var httpUri));
        Assert.True(httpUri.IsLoopback);
        var startup = app.Host.Startup;
        Assert.InRange(startup.StreamOpened, TimeSpan.FromMilliseconds(1), startup.Initialized);
        Assert.InRange(startup.Initialized, startup.StreamOpened, startup.FunctionsLoaded);
    }

    [Fact]
    public void DailyCheck_declares_its_retry_policy_and_the_worker_hands_it_to_the_host()
    {
        var retry = app.Host.Function("DailyCheck").Retry;

        Assert.NotNull(retry);
        Assert.True(retry.MaxRetryCount > 0);
    }
}
