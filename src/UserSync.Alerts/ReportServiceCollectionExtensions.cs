using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Reports;

namespace UserSync.Alerts;

public static class ReportServiceCollectionExtensions
{
    /// <summary>
    /// The monthly report's sending (needs AddUserSyncAlerts): UserSync:Report bound and checked at
    /// start (an unknown receiver, or one with neither email nor Slack, stops the app naming the
    /// setting), and the sender through the report receivers. TryAdd: a test's own sender stays.
    /// </summary>
    public static IServiceCollection AddUserSyncReports(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportOptions>, ReportOptionsValidator>());
        services.TryAddSingleton<IReportSender, ReportReceiverSender>();
        return services;
    }
}

/// <summary>Only when the report is enabled: every receiver it names exists and has email or Slack.</summary>
public sealed class ReportOptionsValidator(IServiceProvider services) : IValidateOptions<ReportOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var routing = services.GetRequiredService<IOptions<AlertRoutingOptions>>().Value;
        var channels = services.GetRequiredService<AlertReceiverChannels>();
        var failures = new List<string>();
        var receivers = ReportReceiverSender.Receivers(options);
        for (var i = 0; i < receivers.Count; i++)
        {
            var receiver = receivers[i];
            var setting = options.Receivers.Count > 0 ? $"UserSync:Report:Receivers:{i}" : "UserSync:Report:Receivers (none given: the receiver 'default')";
            if (!string.Equals(receiver, AlertRouter.DefaultReceiver, StringComparison.OrdinalIgnoreCase) && !routing.Receivers.ContainsKey(receiver))
            {
                failures.Add($"{setting} names '{receiver}', which is not a receiver (UserSync:Alerts:Receivers:{receiver}).");
            }
            else if (ReportReceiverSender.ReportChannels.All(c => channels.Find(receiver, c) is null))
            {
                failures.Add($"{setting}: receiver '{receiver}' has neither email nor Slack, the report's channels.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
