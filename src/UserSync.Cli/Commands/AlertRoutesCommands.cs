using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using UserSync.Alerts;
using UserSync.Core.Alerts;
using UserSync.Core.Options;

namespace UserSync.Cli.Commands;

/// <summary>
/// `usersync alerts routes` and `usersync alerts test --receiver NAME` (docs/alerts.md): who would
/// be told what, and a test message through one receiver. Both read the app's alert settings from
/// the environment (UserSync__Alerts__..., UserSync__Alerts__File), as the function app does, and
/// stop with exit code 64 naming the setting when they are invalid. Secrets are never printed.
/// </summary>
public static class AlertRoutesCommands
{
    public static Command Routes(CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var routes = new Command("routes", "Print, for each check and severity, which receivers are told and how (no secrets).") { json };
        routes.SetAction(async (parsed, cancellationToken) =>
        {
            await using var app = Build(environment);
            if (await ValidateAsync(app, environment) is not { } options)
            {
                return ExitCodes.Usage;
            }

            var router = app.GetRequiredService<AlertRouter>();
            var table = router.Table()
                .Select(r => new RouteRow(r.Check, r.Severity.ToString().ToLowerInvariant(),
                    [.. r.Deliveries.Select(d => new ReceiverRow(d.Receiver, [.. d.Channels]))]))
                .ToList();
            var receivers = router.Receivers.OrderBy(kv => kv.Key == AlertRouter.DefaultReceiver ? 0 : 1).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .SelectMany(kv => kv.Value.Select(c => new HowRow(kv.Key, c, ReceiverDescriptions.Describe(app, options, kv.Key, c))))
                .ToList();
            var form = Form(router, options);
            if (parsed.GetValue(json))
            {
                await environment.Out.WriteLineAsync(JsonSerializer.Serialize(new { form, routes = table, receivers }, JsonOptions));
                return ExitCodes.Healthy;
            }

            await environment.Out.WriteLineAsync(form);
            var routesTable = new Table().AddColumn("check").AddColumn("severity").AddColumn("who is told (receiver: channels)");
            foreach (var row in table)
            {
                var who = row.Receivers.Count == 0 ? "nobody" : string.Join("; ", row.Receivers.Select(r => $"{r.Receiver}: {string.Join(", ", r.Channels)}"));
                routesTable.AddRow(row.Check, row.Severity, Markup.Escape(who));
            }

            environment.Console.Write(routesTable);
            var howTable = new Table().AddColumn("receiver").AddColumn("channel").AddColumn("how");
            foreach (var row in receivers)
            {
                howTable.AddRow(Markup.Escape(row.Receiver), row.Channel, Markup.Escape(row.How));
            }

            environment.Console.Write(howTable);
            return ExitCodes.Healthy;
        });
        return routes;
    }

    public static Command Test(CliEnvironment environment)
    {
        var receiverOption = new Option<string>("--receiver", "-r") { Description = "The receiver to send the test message to.", Required = true };
        var test = new Command("test", "Send a clearly-labelled test message through every channel of one receiver.") { receiverOption };
        test.SetAction(async (parsed, cancellationToken) =>
        {
            await using var app = Build(environment);
            if (await ValidateAsync(app, environment) is not { } options)
            {
                return ExitCodes.Usage;
            }

            var router = app.GetRequiredService<AlertRouter>();
            var name = parsed.GetValue(receiverOption)!;
            if (router.Receiver(name) is not { } receiver)
            {
                await environment.Error.WriteLineAsync(
                    $"usersync: no receiver '{Markup.Escape(name)}'; configured: {string.Join(", ", router.Receivers.Keys.Order(StringComparer.Ordinal))}.");
                return ExitCodes.Usage;
            }

            if (receiver.Channels.Count == 0)
            {
                await environment.Error.WriteLineAsync($"usersync: receiver '{receiver.Receiver}' has no enabled channel.");
                return ExitCodes.Usage;
            }

            var configuration = app.GetRequiredService<IConfiguration>();
            var message = AlertReceiverTest.Message(receiver.Receiver,
                configuration["UserSync:Environment"] ?? environment.Variable("USERSYNC_ENVIRONMENT") ?? "local",
                configuration["UserSync:RunbookUrl"] ?? new UserSyncOptions().RunbookUrl,
                DateTimeOffset.UtcNow);
            var results = await AlertReceiverTest.SendAsync(receiver, app.GetRequiredService<AlertReceiverChannels>(), message, cancellationToken);
            foreach (var (channel, result) in results)
            {
                var status = result.StatusCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" {code}") : "";
                await environment.Out.WriteLineAsync(
                    $"{receiver.Receiver}/{channel}: {(result.Delivered ? "sent" : "FAILED")}{status} ({result.Detail}) - {ReceiverDescriptions.Describe(app, options, receiver.Receiver, channel)}");
            }

            var failed = results.Count(r => !r.Result.Delivered);
            await environment.Out.WriteLineAsync(failed == 0
                ? $"test message {message.AlertId} sent to receiver '{receiver.Receiver}' through {results.Count} channel(s)."
                : $"test message {message.AlertId}: {failed} of {results.Count} channel(s) failed.");
            return failed == 0 ? ExitCodes.Healthy : ExitCodes.CouldNotRun;
        });
        return test;
    }

    private static string Form(AlertRouter router, AlertRoutingOptions options) => router switch
    {
        { UsesReceivers: false } => "Single-receiver form: the flat channel settings are the receiver 'default', routed by UserSync:Alerts:Routes (docs/alerts.md).",
        { IsDefaultTree: true } => "Receivers with the default routing tree, the plan's table (UserSync:Alerts:Route unset)."
                                   + (options.Routes.Critical is not null || options.Routes.Warning is not null ? " UserSync:Alerts:Routes is ignored: receivers are configured." : ""),
        _ => "Receivers with the routing tree of UserSync:Alerts:Route."
             + (options.Routes.Critical is not null || options.Routes.Warning is not null ? " UserSync:Alerts:Routes is ignored: receivers are configured." : ""),
    };

    /// <summary>The alert services as the function app builds them, from the process environment's app settings.</summary>
    private static ServiceProvider Build(CliEnvironment environment)
    {
        var settings = environment.Variables()
            .Where(kv => kv.Key.StartsWith("UserSync__", StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith("UserSync:", StringComparison.OrdinalIgnoreCase))
            .Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        try
        {
            services.AddUserSyncAlerts(configuration);
        }
        catch (InvalidOperationException ex)
        {
            // An unknown email provider: the message names the setting.
            throw new CliUsageException(ex.Message);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>The bound options, or null after printing every problem (each names its setting).</summary>
    private static async Task<AlertRoutingOptions?> ValidateAsync(ServiceProvider app, CliEnvironment environment)
    {
        try
        {
            var options = app.GetRequiredService<IOptions<AlertRoutingOptions>>().Value;
            _ = app.GetServices<IAlertChannel>().ToList(); // the flat channels validate their own settings
            return options;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await environment.Error.WriteLineAsync($"usersync: {failure}");
            }

            return null;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record RouteRow(string Check, string Severity, IReadOnlyList<ReceiverRow> Receivers);

    private sealed record ReceiverRow(string Receiver, IReadOnlyList<string> Channels);

    private sealed record HowRow(string Receiver, string Channel, string How);
}
