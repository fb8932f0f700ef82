namespace UserSync.FunctionsHost.Tests.Fixtures;

/// <summary>A worker of its own for the alert loop: its database starts healthy, and its tests leave it healthy.</summary>
public sealed class AlertLoopWorker : FunctionAppFixture;
