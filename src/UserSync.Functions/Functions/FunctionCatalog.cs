namespace UserSync.Functions.Functions;

/// <summary>
/// Every function the handler serves, with its bindings' essentials. The function folders
/// (functions/NAME/function.json) must say the same; a test holds both sides together.
/// </summary>
public static class FunctionCatalog
{
    public const string DailyCheck = "DailyCheck";
    public const string AlertDispatcher = "AlertDispatcher";
    public const string AlertsQueue = "user-sync-alerts";

    /// <summary>Binding names, exactly as in function.json (response Outputs keys use them).</summary>
    public const string TimerBinding = "timer";
    public const string AlertsOutputBinding = "alerts";
    public const string AlertTriggerBinding = "alert";

    /// <summary>The app setting holding DailyCheck's NCRONTAB schedule.</summary>
    public const string ScheduleSetting = "DailyCheckSchedule";

    public static IReadOnlyList<HttpFunction> Http { get; } =
    [
        new("Health", "GET", "user-sync/health", "anonymous"),
        new("GetStatus", "GET", "user-sync/status", "function"),
        new("GetStats", "GET", "user-sync/stats", "function"),
        new("GetHistory", "GET", "user-sync/history", "function"),
        new("GetGhosts", "GET", "user-sync/ghosts", "function"),
        new("RunChecks", "POST", "user-sync/checks/run", "function"),
        new("RepairGhosts", "POST", "user-sync/repair", "admin"),
    ];
}

/// <summary>A proxied HTTP function: served by the handler at /api/{Route}.</summary>
public sealed record HttpFunction(string Name, string Method, string Route, string AuthLevel);
