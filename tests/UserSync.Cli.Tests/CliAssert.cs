using System.Text.RegularExpressions;

namespace UserSync.Cli.Tests;

internal static partial class CliAssert
{
    /// <summary>The exit code, with everything the command wrote in the failure message.</summary>
    public static void ExitCode(int expected, CliResult result) =>
        Assert.True(result.ExitCode == expected, $"expected exit code {expected}, got {result}");

    /// <summary>No email address with more than its first character visible, and none of the given addresses.</summary>
    public static void NoFullEmail(CliResult result, IEnumerable<string> emails)
    {
        var everything = result.Stdout + result.Stderr;
        Assert.DoesNotMatch(UnmaskedEmail(), everything);
        foreach (var email in emails)
        {
            Assert.DoesNotContain(email, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    // Two or more local-part characters right before an '@': a masked email has '***' there.
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]{2,}@")]
    private static partial Regex UnmaskedEmail();
}
