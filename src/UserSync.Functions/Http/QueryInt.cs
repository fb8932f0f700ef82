using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace UserSync.Functions.Http;

/// <summary>An optional integer query parameter within bounds: absent gives the default, anything else that is not one decimal integer in range is a 400.</summary>
public static class QueryInt
{
    public static bool TryRead(IQueryCollection query, string name, int fallback, int min, int max, out int value, out ValidationProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        problem = null;
        value = fallback;
        if (!query.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (raw.Count == 1 && int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = Problems.Invalid(name, $"must be an integer between {min} and {max}");
        return false;
    }
}
