namespace UserSync.Core.Alerts;

/// <summary>Masks emails (j***@example.com) and shortens ids, so alerts and logs carry no PII.</summary>
public static partial class PiiMasker
{
    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "(no email)";
        }

        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }

        return string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }

    /// <summary>Masks every email address inside free text. Idempotent: a masked address stays as it is.</summary>
    public static string MaskEmailsIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EmailPattern().Replace(text, m => MaskEmail(m.Value));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s@<>()\[\],;:""]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex EmailPattern();

    /// <summary>The first 8 hex digits: enough to find the row, too little to be the id.</summary>
    public static string ShortenId(Guid id) => id.ToString("N")[..8];
}
