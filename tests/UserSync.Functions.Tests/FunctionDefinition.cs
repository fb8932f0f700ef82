using System.Text.Json;

namespace UserSync.Functions.Tests;

/// <summary>One functions/NAME/function.json, read the way the Functions host reads it.</summary>
internal sealed class FunctionDefinition
{
    private FunctionDefinition(string name, string path, JsonElement root)
    {
        Name = name;
        Path = path;
        Root = root;
        Bindings = root.TryGetProperty("bindings", out var bindings) && bindings.ValueKind == JsonValueKind.Array
            ? [.. bindings.EnumerateArray()]
            : [];
    }

    public string Name { get; }

    public string Path { get; }

    public JsonElement Root { get; }

    public IReadOnlyList<JsonElement> Bindings { get; }

    public IReadOnlyList<JsonElement> Triggers => Bindings.Where(b => Type(b).EndsWith("Trigger", StringComparison.Ordinal)).ToList();

    public JsonElement Trigger => Assert.Single(Triggers);

    public bool IsHttp => Triggers.Any(b => Type(b) == "httpTrigger");

    /// <summary>The bindings whose names the response's Outputs must use (all but the trigger).</summary>
    public IReadOnlyList<string> OutputBindingNames =>
        Bindings.Where(b => !Type(b).EndsWith("Trigger", StringComparison.Ordinal)).Select(b => b.GetProperty("name").GetString()!).ToList();

    public static FunctionDefinition Load(string folder)
    {
        var path = System.IO.Path.Combine(folder, "function.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new FunctionDefinition(System.IO.Path.GetFileName(folder), path, document.RootElement.Clone());
    }

    public static string Type(JsonElement binding) =>
        binding.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "";

    public override string ToString() => Name;
}
