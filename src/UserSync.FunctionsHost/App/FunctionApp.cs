using System.Text.Json;
using System.Text.Json.Nodes;

namespace UserSync.FunctionsHost.App;

/// <summary>
/// A built dotnet-isolated function app as the host sees it on disk: worker.config.json (how to
/// start the worker), functions.metadata (the functions and their bindings, written by the
/// Worker SDK at build time) and host.json. The stand-in knows nothing of an app beyond these.
/// </summary>
public sealed class FunctionApp
{
    private FunctionApp(string directory, string workerAssembly, bool workerIndexing, IReadOnlyList<FunctionDescription> functions, HostSettings host)
    {
        Directory = directory;
        WorkerAssembly = workerAssembly;
        WorkerIndexing = workerIndexing;
        Functions = functions;
        Host = host;
    }

    /// <summary>The app folder: FUNCTIONS_APPLICATION_DIRECTORY and the worker's working directory.</summary>
    public string Directory { get; }

    /// <summary>worker.config.json description.defaultWorkerPath, resolved against <see cref="Directory"/>.</summary>
    public string WorkerAssembly { get; }

    /// <summary>worker.config.json description.workerIndexing: the worker lists its own functions.</summary>
    public bool WorkerIndexing { get; }

    public IReadOnlyList<FunctionDescription> Functions { get; }

    public HostSettings Host { get; }

    public FunctionDescription Function(string name) =>
        Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"functions.metadata lists no function named {name}", nameof(name));

    public static FunctionApp Load(string directory)
    {
        directory = Path.GetFullPath(directory);
        var workerConfig = ReadObject(directory, "worker.config.json");
        var description = workerConfig["description"]?.AsObject()
                          ?? throw new FunctionAppException("worker.config.json has no description object");
        var workerPath = description["defaultWorkerPath"]?.GetValue<string>()
                         ?? throw new FunctionAppException("worker.config.json has no description.defaultWorkerPath");
        var indexing = description["workerIndexing"] is JsonValue indexingValue
                       && (indexingValue.TryGetValue<bool>(out var flag) ? flag : string.Equals(indexingValue.ToString(), "true", StringComparison.OrdinalIgnoreCase));

        var metadataPath = Path.Combine(directory, "functions.metadata");
        if (!File.Exists(metadataPath))
        {
            throw new FunctionAppException($"functions.metadata not found in {directory}: is this a dotnet-isolated build output?");
        }

        var functions = (JsonNode.Parse(File.ReadAllText(metadataPath)) as JsonArray
                         ?? throw new FunctionAppException("functions.metadata is not a JSON array"))
            .Select(node => FunctionDescription.Parse(node as JsonObject ?? throw new FunctionAppException("functions.metadata holds an entry that is not an object")))
            .ToList();

        return new FunctionApp(directory, Path.Combine(directory, workerPath), indexing, functions, HostSettings.Parse(ReadObject(directory, "host.json")));
    }

    private static JsonObject ReadObject(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new FunctionAppException($"{file} not found in {directory}");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                       as JsonObject ?? throw new FunctionAppException($"{file} is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FunctionAppException($"{file} is not valid JSON: {ex.Message}", ex);
        }
    }
}
