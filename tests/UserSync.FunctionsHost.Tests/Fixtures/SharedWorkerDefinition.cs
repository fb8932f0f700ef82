namespace UserSync.FunctionsHost.Tests.Fixtures;

[CollectionDefinition(Name)]
public sealed class SharedWorkerDefinition : ICollectionFixture<SharedWorker>
{
    public const string Name = "shared worker";
}
