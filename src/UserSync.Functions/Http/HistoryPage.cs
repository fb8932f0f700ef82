using UserSync.Core.Checks;

namespace UserSync.Functions.Http;

public sealed record HistoryPage(int Days, IReadOnlyList<MonitoringRun> Runs);
