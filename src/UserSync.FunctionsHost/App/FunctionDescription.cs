using System.Text.Json.Nodes;

namespace UserSync.FunctionsHost.App;

/// <summary>One entry of functions.metadata.</summary>
public sealed record FunctionDescription(string Name, string EntryPoint, string ScriptFile, IReadOnlyList<BindingDescription> Bindings)
{
    /// <summary>The one input binding whose type ends in "Trigger".</summary>
    public BindingDescription Trigger => Bindings.Single(b => b.IsTrigger);

    public IEnumerable<BindingDescription> Outputs => Bindings.Where(b => b.Direction == BindingDirection.Out);

    internal static FunctionDescription Parse(JsonObject entry)
    {
        var name = Text(entry, "name") ?? throw new FunctionAppException("a functions.metadata entry has no name");
        var bindings = (entry["bindings"] as JsonArray ?? throw new FunctionAppException($"function {name} has no bindings array"))
            .Select(b => BindingDescription.Parse(name, b as JsonObject ?? throw new FunctionAppException($"function {name} has a binding that is not an object")))
            .ToList();
        if (bindings.Count(b => b.IsTrigger) != 1)
        {
            throw new FunctionAppException($"function {name} must have exactly one trigger binding");
        }

        return new FunctionDescription(name, Text(entry, "entryPoint") ?? "", Text(entry, "scriptFile") ?? "", bindings);
    }

    internal static string? Text(JsonObject node, string property) =>
        node.FirstOrDefault(p => string.Equals(p.Key, property, StringComparison.OrdinalIgnoreCase)).Value?.ToString();
}
