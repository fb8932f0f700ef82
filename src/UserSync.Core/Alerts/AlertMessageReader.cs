using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// Reads a dequeued alert strictly, before any channel sees it: the queue is an input like any
/// other (anyone holding the storage key can write to it). A message is accepted only when it is
/// one JSON object of the schema version this code writes, with every required member, no unknown
/// member, numbers as numbers, enums as their names, bounded sizes and an https runbook link. A
/// rejection names the member and never repeats its value (it may be huge, or hold anything).
/// </summary>
public static partial class AlertMessageReader
{
    /// <summary>The Azure Storage queue limit; a message larger than this never came from us.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public const int MaxIdLength = 200;
    public const int MaxEnvironmentLength = 32;
    public const int MaxCheckLength = 64;
    public const int MaxValueLength = 1024;
    public const int MaxSamples = 20;
    public const int MaxSampleLength = 256;
    public const int MaxUrlLength = 2048;

    /// <summary>PagerDuty's dedup_key limit.</summary>
    public const int MaxDedupKeyLength = 255;

    // AlertJson's shape (web defaults, lower-case enum names), without its leniencies: web
    // defaults read numbers from strings, and its enum converter accepts integers.
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static bool TryRead(string? body, [NotNullWhen(true)] out AlertMessage? alert, out string reason)
    {
        alert = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            reason = "the message is empty";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            reason = $"the message is larger than {MaxMessageBytes} bytes";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            reason = "the message is not valid JSON";
            return false;
        }

        AlertMessage? read;
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"the message is not a JSON object ({root.ValueKind})";
                return false;
            }

            // Checked first and on its own: a message of another version is rejected as such, not
            // for the members that version may add or drop.
            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number) || number != AlertMessage.CurrentSchemaVersion)
            {
                reason = $"schemaVersion must be the integer {AlertMessage.CurrentSchemaVersion}";
                return false;
            }

            try
            {
                read = root.Deserialize<AlertMessage>(Strict);
            }
            catch (JsonException ex)
            {
                reason = ex.Path is { Length: > 1 } path
                    ? $"{Member(path)} is malformed or not a known member"
                    : "a required member is missing";
                return false;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                // Invalid UTF-16 (a lone surrogate) in a name or value, which cannot be transcoded.
                reason = "the message holds text that is not valid Unicode";
                return false;
            }
        }

        if (read is null)
        {
            reason = "the message is null";
            return false;
        }

        var problem = Problem(read);
        if (problem is not null)
        {
            reason = problem;
            return false;
        }

        alert = read;
        reason = "";
        return true;
    }

    // "$.samples[3]" -> "samples"; "$['odd name']" -> "a member".
    private static string Member(string path)
    {
        var match = MemberPattern().Match(path);
        return match.Success ? match.Groups[1].Value : "a member";
    }

    private static string? Problem(AlertMessage alert) =>
        TooLong(alert.AlertId, MaxIdLength, "alertId")
        ?? (EnvironmentPattern().IsMatch(alert.Environment) ? null : "environment must be 1-32 characters of a-z, 0-9 and '-'")
        ?? (CheckPattern().IsMatch(alert.Check) ? null : $"check must be 1-{MaxCheckLength} characters of a-z, 0-9 and '_'")
        ?? (Enum.IsDefined(alert.Severity) ? null : "severity is not a known severity")
        ?? (Enum.IsDefined(alert.Status) ? null : "status is not a known status")
        ?? TooLong(alert.Observed, MaxValueLength, "observed")
        ?? TooLong(alert.Expected, MaxValueLength, "expected")
        ?? (alert.Samples.Count > MaxSamples ? $"samples holds more than {MaxSamples} entries" : null)
        ?? (alert.Samples.Any(s => s is null || s.Length > MaxSampleLength) ? $"samples holds an entry longer than {MaxSampleLength} characters" : null)
        ?? (alert.RunId == Guid.Empty ? "runId is empty" : null)
        ?? TooLong(alert.RunbookUrl, MaxUrlLength, "runbookUrl")
        ?? (Uri.TryCreate(alert.RunbookUrl, UriKind.Absolute, out var runbook) && runbook.Scheme == Uri.UriSchemeHttps
            ? null
            : "runbookUrl must be an absolute https URL")
        ?? TooLong(alert.DedupKey, MaxDedupKeyLength, "dedupKey")
        ?? (alert.FailingRuns is < 1 ? "failingRuns must be 1 or more" : null);

    private static string? TooLong(string value, int max, string member) =>
        value.Length == 0 ? $"{member} is empty" : value.Length > max ? $"{member} is longer than {max} characters" : null;

    [GeneratedRegex(@"^\$\.([A-Za-z]+)")]
    private static partial Regex MemberPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex CheckPattern();
}
