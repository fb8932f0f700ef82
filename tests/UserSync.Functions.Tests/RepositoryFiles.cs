using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>Where the deployable configuration and the app's build output live.</summary>
internal static class RepositoryFiles
{
    public static string Root => PostgresCluster.RepositoryRoot;

    public static string HostJson => Path.Combine(Root, "host.json");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    /// <summary>
    /// The function app's build output, which this test project's build produces (it references the
    /// app): beside this assembly the SDK's files are not copied, so read them from the app's own bin.
    /// </summary>
    public static string AppOutput
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = testOutput.Parent!.Name;
            return Path.Combine(Root, "src", "UserSync.Functions", "bin", configuration, testOutput.Name);
        }
    }
}
