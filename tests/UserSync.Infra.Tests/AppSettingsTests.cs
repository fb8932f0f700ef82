using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>(a) every setting the code reads is set in infra; (b) every setting infra sets is read by the code or is the platform's.</summary>
public sealed class AppSettingsTests
{
    private const string FunctionApp = "modules/functionapp.bicep";

    [Fact]
    public void The_settings_derived_from_the_code_are_the_handlers_settings()
    {
        var read = Deployed.SettingsRead.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "UserSync__ConnectionString", "UserSync__Environment", "UserSync__StatementTimeoutSeconds", "UserSync__MaskPii",
                "UserSync__RunbookUrl", "UserSync__AlertSamples", "DailyCheckSchedule", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            },
            read);
        Assert.Contains(Deployed.Connections, c => c.Name == "AzureWebJobsStorage");
    }

    [Fact]
    public void Infra_sets_these_app_settings()
    {
        // The reconciliation in one place (docs/deploy.md, "App settings"); also proves the
        // template reader sees every member of the appsettings block.
        Assert.Equal(
            [
                "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "APPLICATIONINSIGHTS_CONNECTION_STRING",
                "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__credential",
                "DailyCheckSchedule",
                "UserSync__AlertSamples", "UserSync__ConnectionString", "UserSync__Environment", "UserSync__MaskPii",
                "UserSync__RunbookUrl", "UserSync__StatementTimeoutSeconds",
            ],
            Template.AppSettings.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_setting_the_code_reads_is_set_in_infra() =>
        Assert.Empty(AppSettingRules.Missing(Deployed, Template));

    [Fact]
    public void A_setting_dropped_from_infra_is_reported_missing()
    {
        var broken = Template.Edit(FunctionApp, "    UserSync__AlertSamples: string(alertSamples)\n", "");

        Assert.Contains(AppSettingRules.Missing(Deployed, broken), p => p.StartsWith("UserSync__AlertSamples ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_option_in_the_code_is_reported_missing_until_infra_sets_it()
    {
        var code = Deployed.EditSource("UserSyncOptions.cs",
            "public int AlertSamples { get; set; } = 3;",
            "public int AlertSamples { get; set; } = 3;\n\n    public string SlackWebhookUrl { get; set; } = \"\";");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("UserSync__SlackWebhookUrl ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_setting_named_in_function_json_is_reported_missing()
    {
        var code = Deployed.EditFunction("DailyCheck", "%DailyCheckSchedule%", "%DailyCheckCron%");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("DailyCheckCron ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_setting_constant_in_the_code_is_reported_missing()
    {
        var code = Deployed.EditSource("FunctionCatalog.cs",
            "public const string ScheduleSetting = \"DailyCheckSchedule\";",
            "public const string ScheduleSetting = \"DailyCheckSchedule\";\n    public const string RegionSetting = \"USERSYNC_REGION\";");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("USERSYNC_REGION ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_storage_connection_the_bindings_name_must_be_configured()
    {
        var broken = Template.Edit(FunctionApp, "    AzureWebJobsStorage__accountName: storageAccountName\n", "");

        Assert.Contains(AppSettingRules.Missing(Deployed, broken), p => p.StartsWith("Connection AzureWebJobsStorage ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_setting_infra_sets_is_read_by_the_code_or_a_documented_platform_setting() =>
        Assert.Empty(AppSettingRules.Unexplained(Deployed, Template));

    [Fact]
    public void A_setting_no_code_reads_is_reported()
    {
        var broken = Template.Edit(FunctionApp, "    DailyCheckSchedule: dailyCheckSchedule\n",
            "    DailyCheckSchedule: dailyCheckSchedule\n    UserSync__SendDigest: 'true'\n");

        Assert.Contains(AppSettingRules.Unexplained(Deployed, broken), p => p.StartsWith("UserSync__SendDigest ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_setting_only_the_code_used_to_read_is_reported_once_the_code_stops_reading_it()
    {
        var code = Deployed.EditSource("UserSyncOptions.cs", "public int AlertSamples { get; set; } = 3;", "");

        Assert.Contains(AppSettingRules.Unexplained(code, Template), p => p.StartsWith("UserSync__AlertSamples ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_storage_connection_is_identity_based_with_the_user_assigned_identity() =>
        Assert.Empty(AppSettingRules.IdentityConnections(Deployed, Template));

    [Fact]
    public void An_identity_connection_without_a_client_id_is_reported()
    {
        var broken = Template.Edit(FunctionApp, "    AzureWebJobsStorage__clientId: identityClientId\n", "");

        Assert.Contains(AppSettingRules.IdentityConnections(Deployed, broken), p => p.StartsWith("AzureWebJobsStorage__clientId ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_storage_connection_string_is_reported()
    {
        var broken = Template.Edit(FunctionApp, "    AzureWebJobsStorage__accountName: storageAccountName\n",
            "    AzureWebJobsStorage__accountName: storageAccountName\n    AzureWebJobsStorage: storageConnection\n");

        Assert.Contains(AppSettingRules.IdentityConnections(Deployed, broken), p => p.StartsWith("AzureWebJobsStorage is set as a connection string", StringComparison.Ordinal));
    }

    [Fact]
    public void No_setting_that_Flex_Consumption_rejects_is_set() =>
        Assert.Empty(AppSettingRules.NotOnFlexConsumption(Template));

    [Fact]
    public void FUNCTIONS_WORKER_RUNTIME_is_reported_on_Flex_Consumption()
    {
        var broken = Template.Edit(FunctionApp, "    DailyCheckSchedule: dailyCheckSchedule\n",
            "    DailyCheckSchedule: dailyCheckSchedule\n    FUNCTIONS_WORKER_RUNTIME: 'custom'\n");

        Assert.Contains(AppSettingRules.NotOnFlexConsumption(broken), p => p.StartsWith("FUNCTIONS_WORKER_RUNTIME ", StringComparison.Ordinal));
    }
}
