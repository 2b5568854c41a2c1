using Microsoft.Data.Sqlite;
using RenderQueue.Core.Keys;

namespace RenderQueue.Storage.Sqlite;

public sealed partial class SqliteJobStore
{
    private const string KeyColumns = "id, name, role, hash, created_at, revoked_at";

    public Task<ApiKeyRecord> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            var created = key with { CreatedAt = Now, RevokedAt = null };
            context.Sql.Execute(
                "INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                created.Id, created.Name, created.Role.ToWire(), created.Hash, UnixTime.Ms(created.CreatedAt));
            return created;
        }, cancellationToken);

    public Task<ApiKeyRecord?> GetApiKeyAsync(string keyId, CancellationToken cancellationToken) =>
        Task.FromResult(_readers.Read(sql => FindKey(sql, keyId)));

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKeyRecord>>(_readers.Read(sql =>
        {
            var keys = new List<ApiKeyRecord>();
            using var reader = sql.Query($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id");
            while (reader.Read()) keys.Add(ReadKey(reader));
            return keys;
        }));

    public Task<ApiKeyRecord> RevokeApiKeyAsync(string keyId, CancellationToken cancellationToken) =>
        _writer.WriteAsync(context =>
        {
            if (context.Sql.Execute("UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1", keyId, UnixTime.Ms(Now)) == 0)
                throw new ApiKeyNotFoundException(keyId);
            return FindKey(context.Sql, keyId)!;
        }, cancellationToken);

    private static ApiKeyRecord? FindKey(Commands sql, string keyId)
    {
        using var reader = sql.Query($"SELECT {KeyColumns} FROM api_keys WHERE id = $1", keyId);
        return reader.Read() ? ReadKey(reader) : null;
    }

    private static ApiKeyRecord ReadKey(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Role = ApiKeyRoles.TryParse(reader.GetString(2), out var role) ? role : throw new InvalidOperationException($"Unknown API key role '{reader.GetString(2)}'."),
        Hash = reader.GetString(3),
        CreatedAt = UnixTime.From(reader.GetInt64(4)),
        RevokedAt = reader.IsDBNull(5) ? null : UnixTime.From(reader.GetInt64(5)),
    };
}
