using System.ComponentModel.DataAnnotations;

namespace UserSync.Alerts.Channels;

/// <summary>A local folder that receives every alert as text and JSON (section "UserSync:Alerts:Outbox").</summary>
public sealed class OutboxChannelOptions
{
    public const string SectionName = "UserSync:Alerts:Outbox";

    [Required(ErrorMessage = "UserSync:Alerts:Outbox:Directory is required.")]
    public string Directory { get; init; } = "";
}
