using System.IO.Compression;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The deployable zip, built once per test class by scripts/package.sh into a temporary folder
/// and unpacked with System.IO.Compression, as the platform would. Removed afterwards.
/// </summary>
public sealed class FunctionPackage : IAsyncLifetime
{
    private string? _directory;

    public string Directory => _directory ?? throw new InvalidOperationException("package not built");

    public string ZipPath => Path.Combine(Directory, "usersync-functions.zip");

    public string ExtractedDirectory => Path.Combine(Directory, "unpacked");

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("usersync-package-test-").FullName;
        await using var script = ChildProcess.Start("bash", [Path.Combine(PostgresCluster.RepositoryRoot, "scripts", "package.sh"), ZipPath],
            PostgresCluster.RepositoryRoot, new Dictionary<string, string>
            {
                // A nested build must not leave MSBuild nodes holding this process's pipes open.
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "false",
                ["DOTNET_NOLOGO"] = "1",
            });
        var exitCode = await script.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"scripts/package.sh exited with {exitCode}:\n{script.Output}");
        Assert.True(File.Exists(ZipPath), $"scripts/package.sh did not write {ZipPath}:\n{script.Output}");
        ZipFile.ExtractToDirectory(ZipPath, ExtractedDirectory);
    }

    public Task DisposeAsync()
    {
        if (_directory is not null && System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
