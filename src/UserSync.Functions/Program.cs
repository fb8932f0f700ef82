using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using UserSync.Alerts;
using UserSync.Core.Options;
using UserSync.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddUserSyncCore();
builder.Services.AddUserSyncAlerts(builder.Configuration);
builder.Services.AddUserSyncReports();
builder.AddUserSyncFunctions();
builder.AddUserSyncTelemetry();

try
{
    await builder.Build().RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A missing or malformed setting: one line per problem, naming the setting (never its value),
    // and a non-zero exit, so the host reports a start-up failure instead of a stack trace.
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"UserSync.Functions: invalid setting: {failure}");
    }

    return 1;
}
