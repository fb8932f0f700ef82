namespace UserSync.Infra.Tests.Rules;

/// <summary>
/// The explicit exceptions to "the app settings are exactly what the code reads". Each entry says
/// who reads the setting, or why the deployment leaves it unset; anything not explained here or by
/// the code fails the tests, so an exception has to be written down to exist.
/// </summary>
internal static class PlatformSettings
{
    /// <summary>Settings infra sets that no UserSync code reads: the platform reads them.</summary>
    public static IReadOnlyDictionary<string, string> ReadByPlatform { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The Functions host sends its own logs and request telemetry with Entra ID as the
        // user-assigned identity ("Authorization=AAD;ClientId=..."), which keeps working when
        // Application Insights' local (key) auth is disabled.
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "Functions host: Entra ID authentication of its own telemetry",
        // Set with the ACS email channel, which authenticates with Entra ID (no access key).
        ["AZURE_CLIENT_ID"] = "Azure.Identity DefaultAzureCredential picks the user-assigned identity",
    };

    /// <summary>Settings the code reads that the deployment deliberately does not set.</summary>
    public static IReadOnlyDictionary<string, string> LeftUnset { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Telemetry.OtlpSetting: an optional second exporter; in Azure, telemetry goes to
        // Application Insights through APPLICATIONINSIGHTS_CONNECTION_STRING.
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "optional OTLP exporter, not used in Azure",
        // Telemetry.ConsoleSetting: local debugging only.
        ["USERSYNC_TELEMETRY_CONSOLE"] = "local debugging only",
        // Alert-delivery tuning with safe defaults (README, "The Azure Functions app").
        ["UserSync__Alerts__PagerDuty__BaseUrl"] = "optional; default documented in README",
        ["UserSync__Alerts__Email__Acs__PollInterval"] = "optional; default documented in README",
        ["UserSync__Alerts__Email__Acs__MaxPolls"] = "optional; default documented in README",
        // The deployment's ACS channel authenticates with Entra ID (AZURE_CLIENT_ID), not a key.
        ["UserSync__Alerts__Email__Acs__AccessKey"] = "the deployment authenticates to ACS with Entra ID, not a key",
        // Named receivers and their tree are the operator's choice (docs/alerts.md); the deployment uses the single-receiver form.
        ["UserSync__Alerts__File"] = "optional; a JSON file of receivers and routes (docs/alerts.md)",
    };

    /// <summary>
    /// Whole sections (options objects, dictionaries) the deployment leaves unset: a setting is
    /// covered when it is the section itself or lies under it ("&lt;section&gt;__..."), so a new knob
    /// there needs no entry while a new setting anywhere else is still reported.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LeftUnsetSections { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["UserSync__Alerts__Http"] = "optional; default documented in README (channel HTTP retries and timeouts)",
        ["UserSync__Alerts__Ledger"] = "optional; default documented in README (delivery ledger claim lease)",
        ["UserSync__Alerts__Channels"] = "optional; default documented in README (every configured channel on)",
        ["UserSync__Alerts__Outbox"] = "optional; the file outbox channel is for local runs and tests",
        ["UserSync__Report__Receivers"] = "optional; the monthly report's receivers (docs/report.md), set by the operator when the report is turned on",
        ["UserSync__Alerts__Receivers"] = "optional; named receivers (docs/alerts.md); the deployment uses the single-receiver form",
        ["UserSync__Alerts__Route"] = "optional; the routing tree over named receivers (docs/alerts.md)",
        ["UserSync__Alerts__Email__SendGrid"] = "optional; the deployment sends email through ACS, SendGrid is the alternative provider (docs/deploy.md#alert-channels)",
    };

    /// <summary>Whether the deployment deliberately leaves <paramref name="name"/> unset (<see cref="LeftUnset"/> or under a <see cref="LeftUnsetSections"/> entry).</summary>
    public static bool IsLeftUnset(string name) =>
        LeftUnset.ContainsKey(name)
        || LeftUnsetSections.Keys.Any(section => name == section || name.StartsWith(section + "__", StringComparison.Ordinal));

    /// <summary>Settings the code reads that must be set whatever the code scan finds (the brief's literal list).</summary>
    public static IReadOnlyList<string> AlwaysRequired { get; } = ["APPLICATIONINSIGHTS_CONNECTION_STRING"];

    /// <summary>
    /// The suffixes of an identity-based connection ("&lt;connection&gt;__&lt;suffix&gt;") that the
    /// Functions host understands. A binding naming connection X explains X__accountName etc.
    /// </summary>
    public static IReadOnlyList<string> IdentityConnectionSuffixes { get; } =
        ["accountName", "credential", "clientId", "serviceUri", "blobServiceUri", "queueServiceUri", "tableServiceUri"];

    /// <summary>Settings a Flex Consumption app must not have: the platform rejects or ignores them.</summary>
    public static IReadOnlyDictionary<string, string> NotOnFlexConsumption { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "the runtime is functionAppConfig.runtime (name 'dotnet-isolated', version '10.0')",
        ["FUNCTIONS_EXTENSION_VERSION"] = "Flex Consumption always runs Functions 4.x",
        ["WEBSITE_RUN_FROM_PACKAGE"] = "the package comes from functionAppConfig.deployment.storage",
        ["WEBSITE_CONTENTSHARE"] = "Flex Consumption has no content file share",
        ["WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"] = "Flex Consumption has no content file share",
        ["FUNCTIONS_WORKER_PROCESS_COUNT"] = "not supported on Flex Consumption",
        ["SCM_DO_BUILD_DURING_DEPLOYMENT"] = "the package is prebuilt; remote build is a deployment option on Flex",
        ["ENABLE_ORYX_BUILD"] = "the package is prebuilt; remote build is a deployment option on Flex",
    };
}
