using System.Globalization;
using Npgsql;
using UserSync.Core.Options;

namespace UserSync.Core.Store;

/// <summary>
/// Connections as the monitor's login, each bounded by the statement timeout. Shared by the store
/// and the alert delivery ledger so both open connections the same way.
/// </summary>
public sealed class MonitorConnections : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _setStatementTimeout;

    public MonitorConnections(UserSyncOptions options, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        builder.ConnectionStringBuilder.CommandTimeout = options.StatementTimeoutSeconds + 5;
        _setStatementTimeout = $"set statement_timeout = '{options.StatementTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}s'";
        _dataSource = builder.Build();
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

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
