using System.Threading.Channels;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

/// <summary>
/// Runs confirmed imports one at a time in the background, so a large file never holds a request open; imports that
/// were queued or running when the hub stopped are picked up again at start and resume after their last committed batch.
/// </summary>
internal sealed partial class ContactImportWorker(IServiceScopeFactory scopes, ILogger<ContactImportWorker> logger) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid importId) => _queue.Writer.TryWrite(importId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                foreach (var id in await db.ContactImports.Where(i => i.Status == ContactImportStatus.Queued || i.Status == ContactImportStatus.Running)
                    .OrderBy(i => i.CreatedAt).Select(i => i.Id).ToListAsync(stoppingToken))
                {
                    Enqueue(id);
                }
            }
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ContactImportRunner>().RunAsync(id, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCrashed(logger, ex, id);
                    await MarkFailedAsync(id, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The user's progress bar ends instead of waiting forever; what was committed stays imported.</summary>
    private async Task MarkFailedAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.ContactImports.Where(i => i.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.Status, ContactImportStatus.Failed)
                .SetProperty(i => i.Failure, "The import stopped on an unexpected error; the hub's log has the details."), ct);
            if (await db.ContactImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } import)
            {
                await scope.ServiceProvider.GetRequiredService<ContactImportProgress>().PushAsync(import);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCrashed(logger, ex, id);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Contact import {ImportId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception ex, Guid importId);
}
