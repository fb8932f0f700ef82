using Microsoft.Extensions.Options;
using UserSync.Functions;

try
{
    var app = HandlerApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A missing or malformed setting: one line per problem, naming the setting, and a non-zero
    // exit, so the Functions host reports a start-up failure instead of a stack trace.
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"UserSync.Functions: invalid setting: {failure}");
    }

    return 1;
}
