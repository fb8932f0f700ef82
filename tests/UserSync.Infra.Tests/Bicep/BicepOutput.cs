namespace UserSync.Infra.Tests.Bicep;

/// <summary>An <c>output</c> declaration and the expression it returns.</summary>
internal sealed record BicepOutput(string File, string Name, string Value, bool Secure);
