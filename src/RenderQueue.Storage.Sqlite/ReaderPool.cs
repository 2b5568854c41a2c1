using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Open read connections with their prepared commands, reused across calls. WAL lets them read a consistent
/// snapshot while the writer commits; each read runs in its own deferred transaction.
/// </summary>
internal sealed class ReaderPool(string connectionString, bool fullSync) : IDisposable
{
    private readonly ConcurrentBag<Reader> _idle = [];

    /// <summary>Statements prepared by idle readers so far.</summary>
    public IReadOnlyList<string> Statements => [.. _idle.SelectMany(reader => reader.Commands.Statements).Distinct()];

    public T Read<T>(Func<Commands, T> read)
    {
        var reader = _idle.TryTake(out var idle) ? idle : Open();
        try
        {
            using var transaction = reader.Connection.BeginTransaction(deferred: true);
            reader.Commands.Transaction = transaction;
            var result = read(reader.Commands);
            transaction.Commit();
            reader.Commands.Transaction = null;
            _idle.Add(reader);
            return result;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private Reader Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Schema.Configure(connection, fullSync);
        return new Reader(connection, new Commands(connection));
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var reader)) reader.Dispose();
    }

    private sealed record Reader(SqliteConnection Connection, Commands Commands) : IDisposable
    {
        public void Dispose()
        {
            Commands.Dispose();
            Connection.Dispose();
        }
    }
}
