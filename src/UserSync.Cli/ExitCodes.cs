namespace UserSync.Cli;

/// <summary>Documented exit codes (README): cron and CI act on them.</summary>
public static class ExitCodes
{
    public const int Healthy = 0;
    public const int Degraded = 1;
    public const int Critical = 2;

    /// <summary>The command could not run: database unreachable, timed out, or the login lacks user_sync_monitor.</summary>
    public const int CouldNotRun = 3;

    /// <summary>Bad arguments or settings (EX_USAGE).</summary>
    public const int Usage = 64;
}
