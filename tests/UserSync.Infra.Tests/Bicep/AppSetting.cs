namespace UserSync.Infra.Tests.Bicep;

/// <summary>An app setting the template sets: where, its name, and the Bicep expression of its value.</summary>
internal sealed record AppSetting(string File, string Name, string Value);
