namespace UserSync.FunctionsHost.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class AlertLoopDefinition : ICollectionFixture<AlertLoopWorker>
{
    public const string Name = "alert loop worker";
}
