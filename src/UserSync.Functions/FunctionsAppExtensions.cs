using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSync.Functions.Dashboard;

namespace UserSync.Functions;

public static class FunctionsAppExtensions
{
    /// <summary>What the functions themselves need: the timers' schedules and the dashboard's settings checked at start, JSON and problem details for HTTP, quiet framework logs.</summary>
    public static IHostApplicationBuilder AddUserSyncFunctions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // ASP.NET Core's and HttpClient's request logs carry full URLs: the host's keys ride in the
        // query string (?code=...) and a Slack webhook URL is itself a secret. Warnings only.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddOptions<DailyCheckOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DailyCheckOptions>, DailyCheckOptionsValidator>();
        builder.Services.AddOptions<MonthlyReportOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MonthlyReportOptions>, MonthlyReportOptionsValidator>();
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        builder.Services.AddSingleton<DashboardAccess>();
        builder.Services.AddSingleton<DashboardSummaries>();
        // The report's runs held between the dashboard's polls (the report readers use it when registered).
        builder.Services.AddSingleton<UserSync.Core.Reports.RecentReportRuns>();
        builder.Services.AddSingleton<PoisonQueueSummary>();
        builder.Services.AddProblemDetails();
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        return builder;
    }
}
