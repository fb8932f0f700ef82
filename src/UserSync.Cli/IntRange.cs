using System.CommandLine;

namespace UserSync.Cli;

internal static class IntRange
{
    /// <summary>Rejects values outside [min, max] with a message naming the option; a value that is not a number is reported by the parser itself.</summary>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            int value;
            try
            {
                value = result.GetValueOrDefault<int>();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (value < min || value > max)
            {
                result.AddError($"{option.Name} must be between {min} and {max}, got {value}.");
            }
        });
        return option;
    }
}
