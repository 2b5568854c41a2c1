using RenderQueue.Storage.Contract;

namespace RenderQueue.Storage.Sqlite.Tests;

public sealed class SqliteJobStoreContractTests(SqliteStoreFixture fixture) : JobStoreContract<SqliteStoreFixture>(fixture);
