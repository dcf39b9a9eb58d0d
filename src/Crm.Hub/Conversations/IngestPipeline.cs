using System.Threading.Channels;
using Crm.Channels;
using Crm.Channels.Phones;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Conversations;

internal sealed record IngestResult(bool Duplicate, Guid MessageId, Guid ConversationId, Guid ContactId, DateTimeOffset CreatedAt, DeliveryStatus Status);

/// <summary>
/// The one entry every channel uses for a customer's message: resolve the contact by channel identity,
/// drop duplicates, thread into the contact's open conversation or open one, commit — and only then
/// tell routing and the consoles. A caller that got a result may acknowledge its provider.
/// </summary>
/// <remarks>
/// Group commit: one writer takes every message waiting at that moment and commits them in one transaction,
/// so a burst costs one fsync instead of one per message, and conversation numbers need no lock.
/// De-duplication is optimistic: the unique index on (channel, provider id) is the guard, and only a batch
/// that hits it is redone message by message with an explicit look-up.
/// </remarks>
internal sealed partial class IngestPipeline(
    IServiceScopeFactory scopes, RoutingLoop routing, StaffBroadcaster broadcaster, IOptionsMonitor<PhoneOptions> phones, QueueClassifier queues,
    TimeProvider time, ILogger<IngestPipeline> logger, IOptionsMonitor<Surveys.SurveyOptions> surveys)
    : BackgroundService
{
    public const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Pending(InboundMessage Inbound, IngestExtras? Extras, TaskCompletionSource<IngestResult> Result);

    /// <summary>
    /// Phone senders are keyed by E.164 (PROTOCOLS §8), so "0912 123 4567" by SMS and "+989121234567" by fax are one
    /// identity's number; what the provider wrote is kept as the raw address. Short codes and names stay as they are.
    /// </summary>
    private InboundMessage NormalizeSender(InboundMessage inbound)
    {
        if (inbound.From.Channel is not (ChannelNames.Sms or ChannelNames.Fax))
        {
            return inbound;
        }
        var key = PhoneNumberNormalizer.Key(inbound.From.Address, phones.CurrentValue.DefaultRegion);
        return key == inbound.From.Address
            ? inbound
            : inbound with { From = inbound.From with { Address = key }, RawFromAddress = inbound.From.Address };
    }

    /// <summary>Returns once the message is committed (or found to be a duplicate of a committed one).</summary>
    public Task<IngestResult> IngestAsync(InboundMessage inbound, CancellationToken ct) => IngestAsync(inbound, null, ct);

    /// <summary>As <see cref="IngestAsync(InboundMessage, CancellationToken)"/>, with what the channel adds.</summary>
    public async Task<IngestResult> IngestAsync(InboundMessage inbound, IngestExtras? extras, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        inbound = NormalizeSender(inbound);
        var pending = new Pending(inbound, extras, new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The hub is shutting down.");
        }
        // A caller that gives up still gets its message committed; the provider's retry is then a duplicate.
        return await pending.Result.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Result.TrySetException(new OperationCanceledException("The hub is shutting down."));
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            await PublishAsync(await CommitBatchAsync(batch, lookUpDuplicates: false));
        }
        catch (DbUpdateException ex)
        {
            // A provider retry of a stored message, or something that cannot be stored: redo one by one,
            // looking duplicates up, so each message gets its own answer.
            LogBatchRedone(logger, ex, batch.Count);
            foreach (var pending in batch)
            {
                try
                {
                    await PublishAsync(await CommitBatchAsync([pending], lookUpDuplicates: true));
                }
                catch (Exception single)
                {
                    pending.Result.TrySetException(single);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(ex);
            }
        }
    }

    private sealed record Outcome(List<(Pending Pending, IngestResult Result)> Completed, List<ConversationEvent> Events, List<Conversation> Opened);

    private async Task<Outcome> CommitBatchAsync(IReadOnlyList<Pending> batch, bool lookUpDuplicates)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        // Reads and writes under one write lock (SQLite begins it IMMEDIATE): a conversation an agent resolves
        // cannot slip between our "which conversation is open" and our commit.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var stage = new IngestStage(db, time.GetUtcNow(), queues, surveys.CurrentValue);
        await stage.PrefetchAsync(batch.Select(p => p.Inbound).ToList());
        var completed = new List<(Pending, IngestResult)>(batch.Count);
        var staged = new List<(Pending Pending, Message Message, Conversation Conversation)>(batch.Count);
        var inBatch = new Dictionary<(string, string), (Message Message, Conversation Conversation)>();

        foreach (var pending in batch)
        {
            var inbound = pending.Inbound;
            if (inBatch.TryGetValue((inbound.From.Channel, inbound.ProviderMessageId), out var twin))
            {
                completed.Add((pending, Result(twin.Message, twin.Conversation, duplicate: true)));
                continue;
            }
            if (lookUpDuplicates && await stage.FindDuplicateAsync(inbound) is { } existing)
            {
                completed.Add((pending, existing));
                continue;
            }
            var (message, conversation) = await stage.AddAsync(inbound, pending.Extras);
            if (pending.Extras?.Stage is { } addDetails)
            {
                await addDetails(db, message);
            }
            inBatch[(inbound.From.Channel, inbound.ProviderMessageId)] = (message, conversation);
            staged.Add((pending, message, conversation));
        }

        try
        {
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        catch (DbUpdateException) when (batch.Count == 1 && staged.Count == 1)
        {
            // Another node stored the same provider message between our check and our commit.
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync();
            if (await new IngestStage(db, time.GetUtcNow(), queues).FindDuplicateAsync(batch[0].Inbound) is not { } raced)
            {
                throw;
            }
            return new Outcome([(batch[0], raced)], [], []);
        }

        completed.AddRange(staged.Select(s => (s.Pending, Result(s.Message, s.Conversation, duplicate: false))));
        return new Outcome(completed, stage.Events, [.. stage.Opened, .. stage.Reopened]);
    }

    private async Task PublishAsync(Outcome outcome)
    {
        foreach (var (pending, result) in outcome.Completed)
        {
            pending.Result.TrySetResult(result);
        }
        broadcaster.Publish(outcome.Events);
        foreach (var c in outcome.Opened)
        {
            routing.Post(queues.Waiting(c, c.WaitingSince, c.ResponsibleAgentId));
        }
    }

    private static IngestResult Result(Message message, Conversation conversation, bool duplicate) =>
        new(duplicate, message.Id, conversation.Id, conversation.ContactId, message.CreatedAt, message.DeliveryStatus ?? DeliveryStatus.Sent);

    [LoggerMessage(1, LogLevel.Debug, "A batch of {Count} inbound messages hit a constraint; committing them one by one")]
    private static partial void LogBatchRedone(ILogger logger, Exception ex, int count);
}
