using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>(d) no secret in plain text anywhere infra or the sample settings could leak it.</summary>
public sealed class SecretTests
{
    private const string Main = "main.bicep";
    private const string FunctionApp = "modules/functionapp.bicep";

    private static Dictionary<string, string> InfraAndAzureYaml(IReadOnlyDictionary<string, string> infraTexts) =>
        infraTexts.Select(t => ($"infra/{t.Key}", t.Value)).Append(("azure.yaml", AzureYamlText)).ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);

    [Fact]
    public void No_credential_literal_or_key_listing_appears_in_infra_or_azure_yaml() =>
        Assert.Empty(SecretRules.PlainText(InfraAndAzureYaml(Template.Texts)));

    [Theory]
    [InlineData("AccountKey=c2VjcmV0")]
    [InlineData("Password=hunter2")]
    [InlineData("SharedAccessSignature=sv=2024")]
    [InlineData("storage.listKeys().keys[0].value")]
    public void A_credential_literal_in_infra_is_reported(string leak)
    {
        var broken = Template.Edit(FunctionApp, "    DailyCheckSchedule: dailyCheckSchedule\n",
            $"    DailyCheckSchedule: dailyCheckSchedule\n    Leak: '{leak}'\n");

        Assert.NotEmpty(SecretRules.PlainText(InfraAndAzureYaml(broken.Texts)));
    }

    [Fact]
    public void Secure_parameters_have_no_default()
    {
        Assert.Contains(Template.Params, p => p.Secure && p.Name == "databaseConnectionString" && p.File == Main);
        Assert.Empty(SecretRules.SecureParameterDefaults(Template));
    }

    [Fact]
    public void A_secure_parameter_with_a_default_is_reported()
    {
        var broken = Template.Edit(Main, "param databaseConnectionString string\n", "param databaseConnectionString string = 'Host=db'\n");

        Assert.Contains(SecretRules.SecureParameterDefaults(broken), p => p.Contains("databaseConnectionString (infra/main.bicep)", StringComparison.Ordinal));
    }

    [Fact]
    public void No_output_returns_a_secret() =>
        Assert.Empty(SecretRules.SecretOutputs(Template));

    [Theory]
    [InlineData(Main, "output AZURE_LOCATION string = location\n", "output AZURE_LOCATION string = location\noutput DB string = databaseConnectionString\n")]
    [InlineData(FunctionApp, "output name string = site.name\n", "output name string = site.name\noutput ai string = appInsights.properties.ConnectionString\n")]
    public void An_output_returning_a_secret_is_reported(string file, string oldText, string newText)
    {
        var broken = Template.Edit(file, oldText, newText);

        Assert.NotEmpty(SecretRules.SecretOutputs(broken));
    }

    [Fact]
    public void The_connection_string_setting_is_a_Key_Vault_reference_resolved_by_the_identity() =>
        Assert.Empty(SecretRules.ConnectionStringIsKeyVaultReference(Template));

    [Fact]
    public void A_connection_string_setting_that_is_not_a_Key_Vault_reference_is_reported()
    {
        var broken = Template.Edit(FunctionApp,
            "UserSync__ConnectionString: '@Microsoft.KeyVault(SecretUri=${databaseConnectionStringUri})'",
            "UserSync__ConnectionString: databaseConnectionStringUri");

        Assert.Contains(SecretRules.ConnectionStringIsKeyVaultReference(broken), p => p.StartsWith("UserSync__ConnectionString (infra/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secure_parameter_copied_into_an_app_setting_is_reported()
    {
        var broken = Template
            .Edit(FunctionApp, "param databaseConnectionStringUri string\n", "param databaseConnectionStringUri string\n\n@secure()\nparam databasePassword string\n")
            .Edit(FunctionApp, "    DailyCheckSchedule: dailyCheckSchedule\n", "    DailyCheckSchedule: dailyCheckSchedule\n    UserSync__Password: databasePassword\n");

        Assert.Contains(SecretRules.ConnectionStringIsKeyVaultReference(broken), p => p.StartsWith("App setting UserSync__Password ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_function_app_without_a_Key_Vault_reference_identity_is_reported()
    {
        var broken = Template.Edit(FunctionApp, "    keyVaultReferenceIdentity: identityId\n", "");

        Assert.Contains(SecretRules.ConnectionStringIsKeyVaultReference(broken), p => p.Contains("keyVaultReferenceIdentity", StringComparison.Ordinal));
    }

    [Fact]
    public void The_parameters_file_maps_secure_parameters_to_environment_variables() =>
        Assert.Empty(SecretRules.ParametersFile(Template, ParametersJson));

    [Fact]
    public void A_secret_value_in_the_parameters_file_is_reported()
    {
        var json = ParametersJson.Replace("\"${USERSYNC_DB_CONNECTION_STRING}\"", "\"Host=db;Username=usersync_app\"", StringComparison.Ordinal);

        Assert.NotEqual(ParametersJson, json);
        Assert.Contains(SecretRules.ParametersFile(Template, json), p => p.Contains("databaseConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sample_settings_hold_placeholders_only() =>
        Assert.Empty(SecretRules.SampleSettings(LocalSettingsSample));

    [Theory]
    [InlineData("Password=<from-key-vault>", "Password=hunter2")]
    [InlineData("\"UserSync__AlertSamples\": \"3\"", "\"UserSync__AlertSamples\": \"3\",\n    \"UserSync__Slack__WebhookUrl\": \"https://hooks.example/T0/B0/abc\"")]
    [InlineData("\"UseDevelopmentStorage=true\"", "\"DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0\"")]
    public void A_real_secret_in_the_sample_settings_is_reported(string oldText, string newText)
    {
        var sample = LocalSettingsSample.Replace(oldText, newText, StringComparison.Ordinal);

        Assert.NotEqual(LocalSettingsSample, sample);
        Assert.NotEmpty(SecretRules.SampleSettings(sample));
    }
}
