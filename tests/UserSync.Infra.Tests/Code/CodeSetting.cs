namespace UserSync.Infra.Tests.Code;

/// <summary>A setting (or connection) the code reads, and where that was found.</summary>
internal sealed record CodeSetting(string Name, string Origin);
