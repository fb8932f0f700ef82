using System.Globalization;
using System.Text.Json;

namespace UserSync.Functions.Envelopes;

/// <summary>
/// The body the Functions host POSTs to a custom handler: {"Data": {...}, "Metadata": {...}}.
/// Parsed tolerantly, because the host JSON-encodes string data and string metadata a second time
/// ("\"{\\\"a\\\":1}\"") and sends numbers as strings ("DequeueCount": "1").
/// </summary>
public sealed class InvocationRequest
{
    private readonly JsonElement _data;
    private readonly JsonElement _metadata;

    private InvocationRequest(JsonElement data, JsonElement metadata)
    {
        _data = data;
        _metadata = metadata;
    }

    /// <summary>Null when the body is not a JSON object.</summary>
    public static async Task<InvocationRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new InvocationRequest(CloneOrDefault(Property(root, "Data")), CloneOrDefault(Property(root, "Metadata")));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The binding's data, with any layers of JSON-in-a-string removed.</summary>
    public JsonElement Data(string binding) => Unwrap(Property(_data, binding));

    /// <summary>A metadata value as text, with the host's extra quoting removed.</summary>
    public string? MetadataString(string key)
    {
        var value = Unwrap(Property(_metadata, key));
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    public int? MetadataInt(string key) =>
        int.TryParse(MetadataString(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    // A missing Data or Metadata is a default JsonElement, which Clone() would throw on.
    private static JsonElement CloneOrDefault(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? default : element.Clone();

    private static JsonElement Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }

    // A string whose content is itself JSON (an object, an array or a quoted string) is decoded,
    // at most a few times: the host adds one layer, some SDKs add another.
    private static JsonElement Unwrap(JsonElement value)
    {
        for (var depth = 0; depth < 3 && value.ValueKind == JsonValueKind.String; depth++)
        {
            var text = value.GetString()!.Trim();
            if (text.Length == 0 || text[0] is not ('{' or '[' or '"'))
            {
                break;
            }

            try
            {
                using var inner = JsonDocument.Parse(text);
                value = inner.RootElement.Clone();
            }
            catch (JsonException)
            {
                break;
            }
        }

        return value;
    }
}
