using System.ComponentModel.DataAnnotations;

namespace UserSync.Core.Options;

/// <summary>
/// Automatic repair (docs/runbook.md, "Automatic repair"), bound from "UserSync:AutoRepair". Off
/// by default. When a scheduled run finds ghosts, the trigger is enabled, there are no more than
/// <see cref="MaxGhosts"/> and no other repair is running, the monitor repairs them in batches of
/// <see cref="BatchSize"/>, audited as requested by "auto-repair", and re-checks at once.
/// </summary>
public sealed class AutoRepairOptions
{
    public const string SectionName = "UserSync:AutoRepair";

    /// <summary>What automatic repairs record as who asked (the audit row's requested_by).</summary>
    public const string RequestedBy = "auto-repair";

    /// <summary>Repair automatically (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>The ceiling: more ghosts than this in one run is a flood (something bigger is wrong), so a person decides.</summary>
    [Range(1, 1_000_000, ErrorMessage = "UserSync:AutoRepair:MaxGhosts must be between 1 and 1000000.")]
    public int MaxGhosts { get; set; } = 1000;

    /// <summary>Ghosts per repair transaction.</summary>
    [Range(1, 100_000, ErrorMessage = "UserSync:AutoRepair:BatchSize must be between 1 and 100000.")]
    public int BatchSize { get; set; } = 500;
}
