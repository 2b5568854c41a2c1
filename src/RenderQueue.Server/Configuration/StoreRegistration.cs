using RenderQueue.Storage.Redis;
using RenderQueue.Storage.Sqlite;
using StackExchange.Redis;

namespace RenderQueue.Server.Configuration;

/// <summary>
/// Chooses the store named by <c>Store:Kind</c> and registers it, with its leader election; an unknown kind, an
/// unknown key or a bad value stops the server at start with the key named.
/// </summary>
internal static class StoreRegistration
{
    public static IServiceCollection AddRenderQueueStore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(StoreSection.Section);
        var unknown = section.GetChildren().Where(child => !StoreSection.Keys.Contains(child.Key)).Select(child => child.Path).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Invalid configuration: {string.Join(", ", unknown)} is not a key of the Store section (it has Kind, Sqlite, Redis and RedisOptions).");

        var scheduler = new SchedulerOptions(); // validated on start with the rest of the Scheduler section
        configuration.GetSection(SchedulerOptions.Section).Bind(scheduler);
        var kind = section[StoreSection.Kind] ?? StoreSection.Sqlite;
        switch (kind.Trim().ToLowerInvariant())
        {
            case StoreSection.Sqlite:
                var sqlite = BindSqlite(section.GetSection("Sqlite"));
                sqlite.Store = scheduler.Apply(sqlite.Store);
                services.AddSqliteJobStore(sqlite);
                services.AddSingleton(new StoreDescription(StoreSection.Sqlite, Path.GetFullPath(sqlite.Path)));
                return services;
            case StoreSection.Redis:
                var redis = BindRedis(section);
                redis.Store = scheduler.Apply(redis.Store);
                // Registered before the store's own hosted services, so an unsafe Redis is refused before anything uses it.
                services.AddHostedService(provider => new RedisStartupCheck(redis, provider.GetRequiredService<ILogger<RedisStartupCheck>>()));
                services.AddRedisJobStore(redis);
                services.AddSingleton(new StoreDescription(StoreSection.Redis, $"{RedisStartupCheck.EndPoints(redis)} (key prefix '{redis.KeyPrefix}')"));
                return services;
            default:
                throw new InvalidOperationException(
                    $"Store:Kind is '{kind}', which is not a store. Use 'sqlite' (the default) or 'redis'; set it with RENDERQUEUE__Store__Kind.");
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
        ThrowIfAny(problems);
        return options;
    }

    /// <summary><c>Store:Redis</c> is the configuration string; <c>Store:RedisOptions</c> binds the rest of <see cref="RedisStoreOptions"/>.</summary>
    private static RedisStoreOptions BindRedis(IConfigurationSection store)
    {
        var section = store.GetSection(StoreSection.RedisOptions);
        var options = new RedisStoreOptions();
        var problems = new List<string>();
        if (section[nameof(RedisStoreOptions.Configuration)] is not null)
            problems.Add($"{section.Path}:Configuration is not read: the Redis server goes in {store.Path}:Redis.");
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        options.Configuration = store["Redis"] ?? options.Configuration;

        var redis = $"{store.Path}:Redis";
        try
        {
            if (ConfigurationOptions.Parse(options.Configuration).EndPoints.Count == 0)
                problems.Add($"{redis} must name a Redis server such as 'localhost:6379'; it is '{options.Configuration}'.");
        }
        catch (ArgumentException e)
        {
            problems.Add($"{redis} is not a StackExchange.Redis configuration string: {e.Message}");
        }
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0 || options.KeyPrefix.Any(char.IsWhiteSpace))
            problems.Add($"{section.Path}:KeyPrefix must be non-empty, without braces or spaces; it is '{options.KeyPrefix}'.");
        problems.AddRange(ValidatedOptions.Range($"{section.Path}:LeaderLease", options.LeaderLease, RedisStoreOptions.MinLeaderLease, RedisStoreOptions.MaxLeaderLease));
        problems.AddRange(ValidatedOptions.Range($"{section.Path}:CommandTimeout", options.CommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)));
        problems.AddRange(ValidatedOptions.Range($"{section.Path}:EventStreamMaxLength", options.EventStreamMaxLength, 1_000, 1_000_000_000));
        if (options.Store.WorkerTtl <= TimeSpan.Zero) problems.Add($"{section.Path}:Store:WorkerTtl must be positive; it is {options.Store.WorkerTtl:c}.");
        ThrowIfAny(problems);
        options.Validate(); // the store's own rules, in case they grow stricter than the ones above
        return options;
    }

    private static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0) throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
    }
}

/// <summary>What the store is and where its data lives, for the start-up log.</summary>
internal sealed record StoreDescription(string Kind, string Location);
