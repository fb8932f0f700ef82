namespace UserSync.FunctionsHost.Tests.Fixtures;

/// <summary>A worker of its own with auto-repair on (ceiling 50, batches of 2).</summary>
public sealed class AutoRepairWorker : FunctionAppFixture
{
    public const int MaxGhosts = 50;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["UserSync__AutoRepair__Enabled"] = "true",
        ["UserSync__AutoRepair__MaxGhosts"] = MaxGhosts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["UserSync__AutoRepair__BatchSize"] = "2",
    };
}

[CollectionDefinition(Name)]
public sealed class AutoRepairDefinition : ICollectionFixture<AutoRepairWorker>
{
    public const string Name = "auto-repair worker";
}
