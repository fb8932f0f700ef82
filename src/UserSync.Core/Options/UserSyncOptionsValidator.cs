using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace UserSync.Core.Options;

/// <summary>
/// Data annotations plus what they cannot say: the connection string must parse. Messages name
/// the setting and never echo its value (it holds a password).
/// </summary>
public sealed class UserSyncOptionsValidator : IValidateOptions<UserSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, UserSyncOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(UserSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage ?? "UserSync: invalid setting").ToList();

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrEmpty(builder.Host))
                {
                    errors.Add("UserSync:ConnectionString has no Host.");
                }
            }
            catch (ArgumentException)
            {
                errors.Add("UserSync:ConnectionString is not a valid Npgsql connection string.");
            }
        }

        // https only: the dispatcher rejects any other link in a message (AlertMessageReader), so a
        // plain http runbook would poison every alert instead of failing here, at start.
        if (Uri.TryCreate(options.RunbookUrl, UriKind.Absolute, out var runbook) && runbook.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("UserSync:RunbookUrl must be an absolute https URL.");
        }

        return errors;
    }
}
