using System.Net.Sockets;
using Npgsql;

namespace UserSync.Cli;

/// <summary>One line about a database failure that never repeats the connection string or its password.</summary>
internal static class DatabaseFailure
{
    public static string Describe(NpgsqlException ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => "a statement hit the statement timeout",
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            "authentication failed",
        PostgresException pg => $"SQLSTATE {pg.SqlState}: {pg.MessageText}",
        { InnerException: TimeoutException } => "the server did not answer in time",
        { InnerException: SocketException or IOException } => "the server could not be reached",
        _ => "the connection failed",
    };
}
