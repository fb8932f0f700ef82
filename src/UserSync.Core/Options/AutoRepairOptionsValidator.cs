using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSync.Core.Options;

/// <summary>The ranges of <see cref="AutoRepairOptions"/>, checked at start; each message names the setting.</summary>
public sealed class AutoRepairOptionsValidator : IValidateOptions<AutoRepairOptions>
{
    public ValidateOptionsResult Validate(string? name, AutoRepairOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? "UserSync:AutoRepair: invalid setting"));
    }
}
