using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Net.Http.Headers;

namespace UserSync.Functions.Http;

/// <summary>
/// Serves the admin dashboard (docs/dashboard.md): the files esbuild bundled into the app's
/// <c>dashboard/</c> folder at build time, with their content types, an ETag (a hash of the
/// content: <c>If-None-Match</c> answers 304) and <c>Cache-Control: no-cache</c> (the names carry
/// no hash, so every use revalidates). Anonymous at the function level: App Service
/// Authentication sits in front of it in Azure, and the page holds no data (it reads view/*).
/// Paths are resolved by <see cref="PhysicalFileProvider"/>, which refuses anything outside the
/// folder (<c>..</c>, absolute paths) and hidden files; whatever it does not find is a 404 problem.
/// </summary>
public static class DashboardFunction
{
    public const string Folder = "dashboard";

    // The page loads only its own files and reads only its own origin; ECharts' tooltips set inline styles.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly ConcurrentDictionary<(string Path, DateTimeOffset Modified, long Length), EntityTagHeaderValue> Tags = new();
    private static readonly Lazy<PhysicalFileProvider?> Files = new(() =>
    {
        var root = Path.Combine(AppContext.BaseDirectory, Folder);
        return Directory.Exists(root) ? new PhysicalFileProvider(root, ExclusionFilters.Sensitive) : null;
    });

    [Function("Dashboard")]
    public static Results<PhysicalFileHttpResult, RedirectHttpResult, ProblemHttpResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Dashboard)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The file's path from the request's own path (what follows ".../user-sync/dashboard/"), not
        // from a bound route value: the same under the Functions host and under the stand-in.
        var full = request.Path.Value ?? "";
        var page = "/" + Routes.DashboardPage;
        var at = full.IndexOf(page, StringComparison.OrdinalIgnoreCase);
        var path = at < 0 ? "" : full[(at + page.Length)..];
        if (path.Length == 0)
        {
            // /api/user-sync/dashboard -> /api/user-sync/dashboard/ (relative, so it holds behind any front door).
            return TypedResults.Redirect(page[(page.LastIndexOf('/') + 1)..] + "/" + request.QueryString);
        }

        path = path == "/" ? "index.html" : path[1..];
        if (Files.Value is not { } files)
        {
            return NotFound("The dashboard was not built into this app (its dashboard/ folder is missing).");
        }

        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null
            || !ContentTypes.TryGetContentType(file.Name, out var contentType))
        {
            return NotFound($"The dashboard has no file {path}.");
        }

        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        request.HttpContext.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        request.HttpContext.Response.Headers["Referrer-Policy"] = "no-referrer";
        // PhysicalFile answers If-None-Match / If-Modified-Since with 304 and HEAD/range as ASP.NET Core's static files do.
        return TypedResults.PhysicalFile(file.PhysicalPath, contentType, lastModified: file.LastModified, entityTag: Tag(file));
    }

    private static EntityTagHeaderValue Tag(IFileInfo file) =>
        Tags.GetOrAdd((file.PhysicalPath!, file.LastModified, file.Length), key =>
        {
            using var stream = File.OpenRead(key.Path);
            return new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(stream))[..32]}\"");
        });

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["path"] = [detail] } });
}
