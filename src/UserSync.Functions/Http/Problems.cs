using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace UserSync.Functions.Http;

/// <summary>RFC 9457 answers: a 400 names the bad field in "errors", the title and the detail.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"{field} {message}."] },
            detail: $"{field} {message}.",
            title: $"Invalid {field}");
}
