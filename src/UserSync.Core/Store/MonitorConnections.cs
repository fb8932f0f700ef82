using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using UserSync.Core.Options;

namespace UserSync.Core.Store;

/// <summary>
/// Connections as the monitor's login from the app's one <see cref="NpgsqlDataSource"/>, each
/// bounded by the statement timeout. The store and the alert delivery ledger both open through
/// here, so they share one pool and one way of opening.
/// </summary>
public sealed class MonitorConnections
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _setStatementTimeout;

    public MonitorConnections(NpgsqlDataSource dataSource, IOptions<UserSyncOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _setStatementTimeout = $"set statement_timeout = '{options.Value.StatementTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}s'";
    }

    /// <summary>The data source for the app: the connection string's settings, plus an application name and a command timeout just above the statement timeout.</summary>
    public static NpgsqlDataSource BuildDataSource(UserSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "usersync";
        // The server cancels a statement at the statement timeout; the client waits a little
        // longer, so the server's error (which says what happened) arrives first.
        builder.ConnectionStringBuilder.CommandTimeout = options.StatementTimeoutSeconds + 5;
        return builder.Build();
    }

    // On every open, not once per physical connection: the pool resets a returned connection with
    // DISCARD ALL, which undoes a SET (and a startup option would not survive every pooler).
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(_setStatementTimeout, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
