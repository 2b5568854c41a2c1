using Microsoft.Data.Sqlite;

namespace RenderQueue.Storage.Sqlite;

/// <summary>
/// Prepared commands of one connection, cached by SQL text so each statement is compiled once.
/// Parameters are positional: <c>$1</c>, <c>$2</c>, … in the order given.
/// </summary>
internal sealed class Commands(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _cache = new(StringComparer.Ordinal);

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>Every statement prepared so far (tests check their query plans).</summary>
    public IEnumerable<string> Statements => _cache.Keys;

    public int Execute(string sql, params ReadOnlySpan<object?> values) => Prepare(sql, values).ExecuteNonQuery();

    public object? Scalar(string sql, params ReadOnlySpan<object?> values)
    {
        var result = Prepare(sql, values).ExecuteScalar();
        return result is DBNull ? null : result;
    }

    public SqliteDataReader Query(string sql, params ReadOnlySpan<object?> values) => Prepare(sql, values).ExecuteReader();

    private SqliteCommand Prepare(string sql, ReadOnlySpan<object?> values)
    {
        if (!_cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _cache[sql] = command;
        }
        command.Transaction = Transaction;
        var parameters = command.Parameters;
        for (var i = parameters.Count; i < values.Length; i++)
            parameters.Add(new SqliteParameter("$" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        for (var i = 0; i < values.Length; i++)
            parameters[i].Value = values[i] ?? DBNull.Value;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _cache.Values) command.Dispose();
        _cache.Clear();
    }
}
