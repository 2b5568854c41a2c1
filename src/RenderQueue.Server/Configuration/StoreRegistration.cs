using RenderQueue.Storage.Sqlite;

namespace RenderQueue.Server.Configuration;

/// <summary>Chooses the store named by <c>Store:Kind</c> and registers it; an unknown kind stops the server at start.</summary>
internal static class StoreRegistration
{
    public static IServiceCollection AddRenderQueueStore(this IServiceCollection services, IConfiguration configuration)
    {
        var kind = configuration[$"{StoreOptions.Section}:Kind"] ?? StoreOptions.Sqlite;
        switch (kind.Trim().ToLowerInvariant())
        {
            case StoreOptions.Sqlite:
                var sqlite = BindSqlite(configuration.GetSection($"{StoreOptions.Section}:Sqlite"));
                services.AddSqliteJobStore(sqlite);
                services.AddSingleton(new StoreDescription(StoreOptions.Sqlite, Path.GetFullPath(sqlite.Path)));
                return services;
            case "redis":
                throw new InvalidOperationException(
                    "Store:Kind is 'redis', but the server does not offer the Redis store yet. Use Store:Kind=sqlite (RENDERQUEUE__Store__Kind=sqlite).");
            default:
                throw new InvalidOperationException(
                    $"Store:Kind is '{kind}', which is not a store. Use 'sqlite' (the default); set it with RENDERQUEUE__Store__Kind.");
        }
    }

    private static SqliteStoreOptions BindSqlite(IConfigurationSection section)
    {
        var options = new SqliteStoreOptions();
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path)) problems.Add($"{section.Path}:Path must name the database file; it is empty.");
        if (options.MaxBatch is < 1 or > 100_000) problems.Add(FormattableString.Invariant($"{section.Path}:MaxBatch must be between 1 and 100000; it is {options.MaxBatch}."));
        if (options.CheckpointInterval <= TimeSpan.Zero) problems.Add($"{section.Path}:CheckpointInterval must be positive; it is {options.CheckpointInterval:c}.");
        if (options.Store.WorkerTtl <= TimeSpan.Zero) problems.Add($"{section.Path}:Store:WorkerTtl must be positive; it is {options.Store.WorkerTtl:c}.");
        if (problems.Count > 0) throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
        return options;
    }
}

/// <summary>What the store is and where its data lives, for the start-up log.</summary>
internal sealed record StoreDescription(string Kind, string Location);
