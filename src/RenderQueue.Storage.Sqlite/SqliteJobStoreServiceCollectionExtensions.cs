using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RenderQueue.Core.Storage;

namespace RenderQueue.Storage.Sqlite;

public static class SqliteJobStoreServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SqliteJobStore"/> as the <see cref="IJobStore"/>, using the registered <see cref="TimeProvider"/>.</summary>
    public static IServiceCollection AddSqliteJobStore(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
    {
        var options = new SqliteStoreOptions();
        configure?.Invoke(options);
        return services.AddSqliteJobStore(options);
    }

    /// <summary>
    /// Registers <see cref="SqliteJobStore"/> with options already bound and validated, and its
    /// <see cref="ILeaderElection"/>: a SQLite file serves one server node, which always leads.
    /// </summary>
    public static IServiceCollection AddSqliteJobStore(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(provider => new SqliteJobStore(
            provider.GetRequiredService<SqliteStoreOptions>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SqliteJobStore>>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<SqliteJobStore>());
        services.TryAddSingleton<ILeaderElection, SingleNodeLeaderElection>();
        return services;
    }
}
