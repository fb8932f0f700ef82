namespace UserSync.FunctionsHost.App;

/// <summary>The app folder, or what the worker said about it, is not what a host can run.</summary>
public sealed class FunctionAppException : Exception
{
    public FunctionAppException(string message)
        : base(message)
    {
    }

    public FunctionAppException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionAppException()
    {
    }
}
