using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>(a) every setting the code reads is set in infra; (b) every setting infra sets is read by the code or is the platform's.</summary>
public sealed class AppSettingsTests
{
    private const string FunctionApp = "modules/functionapp.bicep";

    [Fact]
    public void The_settings_derived_from_the_code_are_the_apps_settings()
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
                "AZURE_CLIENT_ID",
                "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__credential",
                "DailyCheckSchedule",
                "IncrementalCheckSchedule",
                "MonthlyReportSchedule",
                "UserSync__AlertSamples",
                "UserSync__Alerts__Email__Acs__Endpoint", "UserSync__Alerts__Email__Acs__Recipients__0",
                "UserSync__Alerts__Email__Acs__SenderAddress", "UserSync__Alerts__Email__Provider",
                "UserSync__Alerts__PagerDuty__RoutingKey",
                "UserSync__Alerts__Routes__Checks__monitor_failed", "UserSync__Alerts__Routes__Checks__trigger_enabled",
                "UserSync__Alerts__Routes__Critical", "UserSync__Alerts__Routes__Warning",
                "UserSync__Alerts__Slack__WebhookUrl",
                "UserSync__AutoRepair__BatchSize", "UserSync__AutoRepair__Enabled", "UserSync__AutoRepair__MaxGhosts",
                "UserSync__ConnectionString", "UserSync__Dashboard__AdminRole", "UserSync__Dashboard__Authentication", "UserSync__Environment",
                "UserSync__MaskPii",
                "UserSync__Report__Enabled", "UserSync__RunbookUrl", "UserSync__StatementTimeoutSeconds",
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
    public void A_new_setting_named_in_a_binding_is_reported_missing()
    {
        var code = Deployed.EditFunction("DailyCheck", "%DailyCheckSchedule%", "%DailyCheckCron%");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("DailyCheckCron ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_setting_constant_in_the_code_is_reported_missing()
    {
        var code = Deployed.EditSource("DailyCheckOptions.cs",
            "public const string ScheduleSetting = \"DailyCheckSchedule\";",
            "public const string ScheduleSetting = \"DailyCheckSchedule\";\n    public const string RegionSetting = \"USERSYNC_REGION\";");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("USERSYNC_REGION ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_storage_connection_the_bindings_use_must_be_configured()
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

    [Fact]
    public void A_setting_in_a_conditional_object_is_seen()
    {
        // A channel's settings live in a var that is {} unless the channel is configured, merged
        // with union(): the reader must follow the var and read the object inside the condition.
        var variant = Template.Edit(FunctionApp, "var pagerDutySettings = pagerDutyConfigured ? {\n",
            "var teamsSettings = !empty(teamsWebhookUrlUri) ? {\n    UserSync__Alerts__Teams__WebhookUrl: teamsWebhookUrlUri\n} : {}\n\nvar pagerDutySettings = pagerDutyConfigured ? {\n")
        .Edit(FunctionApp, "union(baseSettings, emailSettings, slackSettings, pagerDutySettings)",
            "union(baseSettings, emailSettings, slackSettings, pagerDutySettings, teamsSettings)");

        Assert.Contains(Template.AppSettings, s => s.Name == "UserSync__Alerts__Slack__WebhookUrl");
        Assert.Contains(Template.AppSettings, s => s.Name == "UserSync__Alerts__Email__Acs__Endpoint");
        Assert.Contains(variant.AppSettings, s => s.Name == "UserSync__Alerts__Teams__WebhookUrl");
        Assert.Contains(AppSettingRules.Unexplained(Deployed, variant), p => p.StartsWith("UserSync__Alerts__Teams__WebhookUrl ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_conditional_setting_dropped_from_infra_is_reported_missing()
    {
        var broken = Template.Edit(FunctionApp, "    UserSync__Alerts__Slack__WebhookUrl: '@Microsoft.KeyVault(SecretUri=${slackWebhookUrlUri})'\n", "");

        Assert.Contains(AppSettingRules.Missing(Deployed, broken), p => p.StartsWith("UserSync__Alerts__Slack__WebhookUrl ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_knob_in_a_section_left_unset_is_not_required()
    {
        var code = Deployed.EditSource("ChannelHttpOptions.cs",
            "public int MaxRetries { get; set; } = 4;",
            "public int MaxRetries { get; set; } = 4;\n\n    public int MaxConnections { get; set; } = 8;");

        Assert.Contains(code.SettingsRead, s => s.Name == "UserSync__Alerts__Http__MaxConnections");
        Assert.DoesNotContain(AppSettingRules.Missing(code, Template), p => p.StartsWith("UserSync__Alerts__Http__", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_required_looking_alert_setting_outside_the_sections_left_unset_is_reported_missing()
    {
        var code = Deployed.EditSource("SlackOptions.cs",
            "public Uri? WebhookUrl { get; init; }",
            "public Uri? WebhookUrl { get; init; }\n\n    public string Channel { get; init; } = \"\";");

        Assert.Contains(AppSettingRules.Missing(code, Template), p => p.StartsWith("UserSync__Alerts__Slack__Channel ", StringComparison.Ordinal));
        Assert.False(PlatformSettings.IsLeftUnset("UserSync__Alerts__HttpProxy"));
        Assert.True(PlatformSettings.IsLeftUnset("UserSync__Alerts__Http__MaxRetries"));
    }

    [Fact]
    public void Channel_secrets_are_Key_Vault_references()
    {
        foreach (var name in new[] { "UserSync__Alerts__Slack__WebhookUrl", "UserSync__Alerts__PagerDuty__RoutingKey" })
        {
            var setting = Assert.Single(Template.AppSettings, s => s.Name == name);
            Assert.StartsWith("'@Microsoft.KeyVault(SecretUri=", setting.Value, StringComparison.Ordinal);
        }
    }
}
