namespace UserSync.Core.Checks;

public enum CheckSeverity
{
    Warning,
    Critical,
}
