using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace UserSync.Functions.Tests;

/// <summary>local.settings.sample.json is a configuration the app starts with (after copying it to local.settings.json).</summary>
public sealed class LocalSettingsSampleTests
{
    private static readonly Dictionary<string, string?> Values = Json.Parse(File.ReadAllText(RepositoryFiles.LocalSettingsSample))
        .GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());

    [Fact]
    public void The_sample_names_the_dotnet_isolated_runtime_and_Azurite()
    {
        Assert.Equal("dotnet-isolated", Values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", Values["AzureWebJobsStorage"]);
    }

    [Fact]
    public async Task Every_option_the_app_validates_at_start_accepts_the_sample()
    {
        await using var app = TestApp.Create("Host=unused", Values);

        // What ValidateOnStart runs when the host starts: throws naming the first bad setting.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task The_start_validation_this_test_relies_on_does_reject_a_bad_sample()
    {
        await using var app = TestApp.Create("Host=unused", new Dictionary<string, string?>(Values) { ["DailyCheckSchedule"] = "daily" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("DailyCheckSchedule", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IncrementalCheckSchedule", "every ten minutes", "IncrementalCheckSchedule must be an NCRONTAB expression")]
    [InlineData("UserSync:AutoRepair:MaxGhosts", "0", "UserSync:AutoRepair:MaxGhosts must be between 1 and 1000000.")]
    [InlineData("UserSync:AutoRepair:BatchSize", "100001", "UserSync:AutoRepair:BatchSize must be between 1 and 100000.")]
    [InlineData("UserSync:Dashboard:Authentication", "Anonymous", "UserSync:Dashboard:Authentication must be AppService")]
    [InlineData("UserSync:Dashboard:Authentication", "1", "UserSync:Dashboard:Authentication must be AppService")]
    [InlineData("UserSync:Dashboard:AdminRole", "User Sync Admin", "UserSync:Dashboard:AdminRole must be an app role value")]
    public async Task A_bad_incremental_schedule_auto_repair_or_dashboard_setting_stops_the_app_at_start_naming_it(string setting, string value, string message)
    {
        await using var app = TestApp.Create("Host=unused", new Dictionary<string, string?>(Values) { [setting] = value });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_runs_the_dashboard_without_sign_in_as_the_local_host_does()
    {
        Assert.Equal("None", Values["UserSync:Dashboard:Authentication"]);
    }

    [Fact]
    public void The_sample_leaves_auto_repair_off()
    {
        Assert.Equal("false", Values["UserSync:AutoRepair:Enabled"]);
    }
}
