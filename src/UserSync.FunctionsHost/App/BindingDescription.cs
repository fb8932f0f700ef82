using System.Text.Json.Nodes;

namespace UserSync.FunctionsHost.App;

/// <summary>One binding of a functions.metadata entry; <see cref="Raw"/> is the JSON the worker and host exchange as raw_bindings.</summary>
public sealed record BindingDescription(string Name, string Type, BindingDirection Direction, string? DataType, JsonObject Raw)
{
    public bool IsTrigger => Direction == BindingDirection.In && Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public bool Is(string type) => string.Equals(Type, type, StringComparison.OrdinalIgnoreCase);

    /// <summary>A property of the binding (queueName, route, schedule, ...), case-insensitive as the host reads them.</summary>
    public string? Property(string name) => FunctionDescription.Text(Raw, name);

    internal static BindingDescription Parse(string function, JsonObject binding)
    {
        var name = FunctionDescription.Text(binding, "name") ?? throw new FunctionAppException($"function {function} has a binding without a name");
        var type = FunctionDescription.Text(binding, "type") ?? throw new FunctionAppException($"binding {function}.{name} has no type");
        var direction = FunctionDescription.Text(binding, "direction") switch
        {
            var d when string.Equals(d, "in", StringComparison.OrdinalIgnoreCase) => BindingDirection.In,
            var d when string.Equals(d, "out", StringComparison.OrdinalIgnoreCase) => BindingDirection.Out,
            var d when string.Equals(d, "inout", StringComparison.OrdinalIgnoreCase) => BindingDirection.InOut,
            var d => throw new FunctionAppException($"binding {function}.{name} has direction '{d}'"),
        };
        return new BindingDescription(name, type, direction, FunctionDescription.Text(binding, "dataType"), (JsonObject)binding.DeepClone());
    }
}
