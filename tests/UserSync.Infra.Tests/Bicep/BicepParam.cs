namespace UserSync.Infra.Tests.Bicep;

/// <summary>A <c>param</c> declaration: its default value text (null when it has none) and whether it is <c>@secure()</c>.</summary>
internal sealed record BicepParam(string File, string Name, string Type, string? Default, bool Secure);
