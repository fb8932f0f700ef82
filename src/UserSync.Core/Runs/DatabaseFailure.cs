using System.Net.Sockets;
using Npgsql;

namespace UserSync.Core.Runs;

/// <summary>Recognises database failures and says what happened in one line, never repeating the connection string or its password.</summary>
public static class DatabaseFailure
{
    public static bool Is(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex is NpgsqlException or TimeoutException or SocketException
               || ex.InnerException is not null && Is(ex.InnerException);
    }

    public static string Describe(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => "a statement hit the statement timeout",
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            "authentication failed",
        PostgresException pg => $"the database refused the call (SQLSTATE {pg.SqlState})",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the database did not answer in time",
        NpgsqlException { InnerException: SocketException or IOException } or SocketException => "the database could not be reached",
        _ => "the database connection failed",
    };
}
