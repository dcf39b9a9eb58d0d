using Crm.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Crm.Hub.Scheduling;

/// <summary>
/// Quartz with its persistent job store in the hub's own database (PROTOCOLS §6). The QRTZ_ tables come from our
/// migrations (<c>QuartzSchema</c>); Quartz only validates them at start, which runs after <c>MigrateDatabaseAsync</c>.
/// </summary>
internal static class SchedulingSetup
{
    public static WebApplicationBuilder AddScheduling(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HubSchedulingOptions>().BindConfiguration(HubSchedulingOptions.Section).ValidateDataAnnotations()
            .Validate<IOptions<DatabaseOptions>>((o, db) => !o.Clustered || db.Value.Provider == DatabaseProvider.Postgres,
                "Crm:Scheduling:Clustered needs Crm:Database:Provider=Postgres: a SQLite file serves one node.")
            .ValidateOnStart();

        // The driver delegate and clustering are chosen when the scheduler is composed, so these two are read now;
        // the connection string is read when the first connection is made, like EF Core's (StorageSetup).
        var provider = builder.Configuration.GetValue($"{DatabaseOptions.Section}:Provider", DatabaseProvider.Sqlite);
        var clustered = builder.Configuration.GetValue<bool>($"{HubSchedulingOptions.Section}:Clustered");
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = HubSchedulingOptions.InstanceName;
                // A stopping hub asks running jobs to stop (their CancellationToken) and waits for them to unwind; see
                // RecoverFiringsCancelledByShutdown below for what happens to the work they leave.
                o.ShutdownJobInterruption = ShutdownJobInterruption.Always;
            });
            q.UsePersistentStore(store =>
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(o => o.DataSourceFactory = sp =>
                        NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
                }
                else
                {
                    // SQLite has one writer at a time, and Quartz writes beside EF Core. Both take their connections from
                    // StorageSetup's connection string, so a Quartz statement that meets our write lock waits for it (the
                    // same 30 s busy timeout) instead of failing with "database is locked", and both read the WAL file
                    // (journal_mode is stored in the database, set at migration), so readers never block either writer.
                    store.UseSqlite(o => o.DataSourceFactory = sp => SqliteFactory.Instance.CreateDataSource(StorageSetup.ConnectionString(sp)));
                }
                store.UseSystemTextJsonSerializer();
                // Job data as name/value strings: readable in the table and immune to a renamed .NET type.
                store.ConfigureStore(o =>
                {
                    o.StoreJobDataAsStrings = true;
                    // A recoverable job that a shutdown stopped half-way (by throwing OperationCanceledException) runs
                    // again at the next start, as after a crash: a campaign resumes after a deploy, not only after a kill.
                    o.RecoverFiringsCancelledByShutdown = true;
                });
                if (clustered)
                {
                    store.UseClustering(_ => { });
                }
            });
        });
        builder.Services.AddOptions<AdoJobStoreOptions>().Configure<IOptions<HubSchedulingOptions>>((store, scheduling) =>
            store.MisfireThreshold = TimeSpan.FromSeconds(scheduling.Value.MisfireThresholdSeconds));
        // A job finishes its page before the process stops; what it had not finished is recovered at the next start.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
