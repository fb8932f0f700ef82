namespace UserSync.Infra.Tests.Bicep;

/// <summary>One member of a Bicep object: its key and the text of its value, which starts at <paramref name="ValueStart"/> in the file.</summary>
internal sealed record BicepEntry(string Key, string Value, int ValueStart);
