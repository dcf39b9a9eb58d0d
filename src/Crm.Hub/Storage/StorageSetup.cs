using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Storage;

internal static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Provider == DatabaseProvider.Sqlite,
                "Crm:Database:Provider=Postgres is not available yet: the PostgreSQL migrations land with the scale-out work. Use Sqlite.")
            .ValidateOnStart();
        // Read when the first context is made (not at registration), so hosts and tests can still change the configuration.
        services.AddDbContextPool<HubDbContext>((sp, o) => o.UseSqlite(ConnectionString(sp), sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .AddInterceptors(SqliteBusyTimeout.Instance));
        return services;
    }

    /// <summary>The connection string every writer of the hub's database uses (EF Core and Quartz alike).</summary>
    internal static string ConnectionString(IServiceProvider services) => SqliteConnectionString(
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString,
        services.GetRequiredService<IHostEnvironment>().ContentRootPath);

    /// <summary>Relative database paths live under the content root, and their folder is created.</summary>
    internal static string SqliteConnectionString(string configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(configured);
        if (builder.DataSource != ":memory:" && !string.IsNullOrEmpty(builder.DataSource) && builder.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.IsPathRooted(builder.DataSource) ? builder.DataSource : Path.Combine(contentRoot, builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }
        builder.Pooling = true;
        // A second writer waits for the lock instead of failing at once.
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    /// <summary>Applies migrations and turns on WAL, so readers never block the writer.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // WAL is stored in the file, so this holds for every later connection. synchronous stays at
            // SQLite's default FULL: a commit acknowledged to a provider survives even a power cut.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
