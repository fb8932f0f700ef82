using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSync.Core.Options;

namespace UserSync.Core.Tests.Options;

public sealed class UserSyncOptionsValidationTests
{
    private const string Password = "Sup3r-Secret-Pw";
    private const string ValidConnectionString = "Host=db.example.internal;Port=5432;Database=postgres;Username=usersync_app;Password=" + Password;

    [Fact]
    public void A_complete_valid_configuration_binds_every_setting()
    {
        var options = Resolve(Valid());

        Assert.Equal(ValidConnectionString, options.ConnectionString);
        Assert.Equal("prod", options.Environment);
        Assert.Equal(30, options.StatementTimeoutSeconds);
        Assert.Equal("https://runbooks.example/usersync.md", options.RunbookUrl);
        Assert.False(options.MaskPii);
        Assert.Equal(5, options.AlertSamples);
    }

    [Fact]
    public void A_missing_connection_string_names_UserSync_ConnectionString()
    {
        var settings = Valid();
        settings.Remove("UserSync:ConnectionString");

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_with_capitals_or_punctuation_names_UserSync_Environment()
    {
        var settings = Valid();
        settings["UserSync:Environment"] = "Prod!";

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:Environment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_environment_names_UserSync_Environment()
    {
        var settings = Valid();
        settings.Remove("UserSync:Environment");

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:Environment", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    public void A_statement_timeout_outside_1_to_3600_seconds_names_UserSync_StatementTimeoutSeconds(string seconds)
    {
        var settings = Valid();
        settings["UserSync:StatementTimeoutSeconds"] = seconds;

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:StatementTimeoutSeconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=;;;=")]
    [InlineData("nonsense")]
    [InlineData("Username=usersync_app;Password=x")]
    [InlineData("Hots=db.example.internal")]
    public void A_malformed_connection_string_names_UserSync_ConnectionString(string connectionString)
    {
        var settings = Valid();
        settings["UserSync:ConnectionString"] = connectionString;

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("http://runbooks.example/usersync.md")]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    public void A_runbook_url_that_is_not_https_names_UserSync_RunbookUrl(string url)
    {
        var settings = Valid();
        settings["UserSync:RunbookUrl"] = url;

        var error = ResolveFails(settings);

        Assert.Contains("UserSync:RunbookUrl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UserSync:Environment", "Prod!")]
    [InlineData("UserSync:StatementTimeoutSeconds", "0")]
    [InlineData("UserSync:ConnectionString", "Username=usersync_app;Password=" + Password)]
    [InlineData("UserSync:ConnectionString", "Password=" + Password + ";;;=")]
    [InlineData("UserSync:ConnectionString", "Hots=db;Password=" + Password)]
    [InlineData("UserSync:ConnectionString", "Host=db;Password=" + Password + ";Port=not-a-number")]
    public void A_validation_error_never_repeats_the_password_of_the_connection_string(string key, string value)
    {
        var settings = Valid();
        settings[key] = value;

        var error = ResolveFails(settings);

        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, string.Join("\n", error.Failures), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Valid() => new()
    {
        ["UserSync:ConnectionString"] = ValidConnectionString,
        ["UserSync:Environment"] = "prod",
        ["UserSync:StatementTimeoutSeconds"] = "30",
        ["UserSync:RunbookUrl"] = "https://runbooks.example/usersync.md",
        ["UserSync:MaskPii"] = "false",
        ["UserSync:AlertSamples"] = "5",
    };

    private static UserSyncOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddUserSyncCore()
            .BuildServiceProvider();
        return provider.GetRequiredService<IOptions<UserSyncOptions>>().Value;
    }

    private static OptionsValidationException ResolveFails(Dictionary<string, string?> settings) =>
        Assert.Throws<OptionsValidationException>(() => Resolve(settings));
}
