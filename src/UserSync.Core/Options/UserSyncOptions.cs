using System.ComponentModel.DataAnnotations;

namespace UserSync.Core.Options;

/// <summary>Settings of the monitor, bound from the configuration section "UserSync".</summary>
public sealed class UserSyncOptions
{
    public const string SectionName = "UserSync";

    /// <summary>Npgsql connection string of a login that holds user_sync_monitor. Never logged.</summary>
    [Required(ErrorMessage = "UserSync:ConnectionString is required (the monitor's database login).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Short environment name used in alerts and dedup keys, e.g. "prod".</summary>
    [Required(ErrorMessage = "UserSync:Environment is required (for example \"prod\").")]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,31}$",
        ErrorMessage = "UserSync:Environment must be 1-32 characters of a-z, 0-9 and '-', starting with a letter or digit.")]
    public string Environment { get; set; } = "";

    /// <summary>Upper bound of every statement the monitor runs.</summary>
    [Range(1, 3600, ErrorMessage = "UserSync:StatementTimeoutSeconds must be between 1 and 3600.")]
    public int StatementTimeoutSeconds { get; set; } = 120;

    /// <summary>Mask emails and shorten ids in alerts and output (default on).</summary>
    public bool MaskPii { get; set; } = true;

    /// <summary>Where on-call reads what to do; each alert links here with the check as fragment.</summary>
    [Required(ErrorMessage = "UserSync:RunbookUrl is required.")]
    [Url(ErrorMessage = "UserSync:RunbookUrl must be an absolute https URL.")]
    public string RunbookUrl { get; set; } = "https://github.com/usersync/usersync/blob/main/docs/runbook.md";

    /// <summary>How many masked examples an alert carries.</summary>
    [Range(0, 20, ErrorMessage = "UserSync:AlertSamples must be between 0 and 20.")]
    public int AlertSamples { get; set; } = 3;
}
