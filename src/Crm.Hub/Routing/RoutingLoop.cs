using System.Threading.Channels;
using Crm.Hub.Agents;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Routing;

/// <summary>
/// Runs the routing engine on one loop, as its contract requires: events are queued from any thread,
/// applied one at a time, and each batch of decisions is committed and pushed before its callers hear back.
/// </summary>
internal sealed partial class RoutingLoop(
    IServiceScopeFactory scopes, IOptions<HubRoutingOptions> options, TimeProvider time, ILogger<RoutingLoop> logger) : BackgroundService
{
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoutingEngine? _engine;

    private sealed record Command(RoutingEvent Event, TaskCompletionSource<IReadOnlyList<RoutingDecision>>? Reply);

    /// <summary>Completes once the engine holds the state restored from the database.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Queues an event; its decisions are committed and pushed by the loop.</summary>
    public void Post(RoutingEvent routingEvent) => _commands.Writer.TryWrite(new Command(routingEvent, null));

    /// <summary>
    /// Queues an event and waits until its decisions are committed. The event is queued even when the caller
    /// gives up waiting: the database already changed, and routing must hear of it.
    /// </summary>
    public async Task<IReadOnlyList<RoutingDecision>> SendAsync(RoutingEvent routingEvent, CancellationToken ct)
    {
        var reply = new TaskCompletionSource<IReadOnlyList<RoutingDecision>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new Command(routingEvent, reply)))
        {
            throw new InvalidOperationException("Routing has stopped.");
        }
        return await reply.Task.WaitAsync(ct);
    }

    /// <summary>Runs a read of the engine's state on the loop (the engine is single-threaded).</summary>
    public async Task<T> ReadAsync<T>(Func<RoutingEngine, T> read, CancellationToken ct)
    {
        var result = default(T)!;
        await SendAsync(new Inspect(engine => result = read(engine)), ct);
        return result;
    }

    private sealed record Inspect(Action<RoutingEngine> Read) : RoutingEvent;

    private RoutingEngine NewEngine() => new(options.Value.ToEngineOptions(), time);

    /// <summary>A fresh engine fed from the database: at start-up, and whenever engine and database may disagree.</summary>
    private async Task RebuildAsync(CancellationToken ct)
    {
        _engine = NewEngine();
        var restored = await RestoreAsync(ct);
        await ApplyBatchAsync(restored.Select(e => new Command(e, null)).ToList(), ct, rebuildOnFailure: false);
        Log.Restored(logger, restored.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RebuildAsync(stoppingToken);
        _ready.TrySetResult();

        var reader = _commands.Reader;
        var batch = new List<Command>();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Deadlines are checked on every turn, so a steady stream of events cannot starve offer expiry.
            var engine = _engine!;
            if (engine.NextDeadline is { } deadline && deadline <= time.GetUtcNow())
            {
                batch.Add(new Command(new Tick(), null));
            }
            while (batch.Count < 256 && reader.TryRead(out var command))
            {
                batch.Add(command);
            }
            if (batch.Count == 0)
            {
                await WaitForWorkAsync(engine, reader, stoppingToken);
                continue;
            }
            await ApplyBatchAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    private async Task WaitForWorkAsync(RoutingEngine engine, ChannelReader<Command> reader, CancellationToken ct)
    {
        var deadline = engine.NextDeadline;
        if (deadline is null)
        {
            await reader.WaitToReadAsync(ct);
            return;
        }
        var delay = deadline.Value - time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wake = reader.WaitToReadAsync(timeout.Token).AsTask();
        var elapsed = Task.Delay(delay, time, timeout.Token);
        await Task.WhenAny(wake, elapsed);
        await timeout.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    private async Task ApplyBatchAsync(List<Command> batch, CancellationToken ct, bool rebuildOnFailure = true)
    {
        var engine = _engine!;
        var failed = false;
        var decided = new List<RoutingDecision>();
        var replies = new List<(TaskCompletionSource<IReadOnlyList<RoutingDecision>> Reply, IReadOnlyList<RoutingDecision> Decisions)>();
        foreach (var command in batch)
        {
            IReadOnlyList<RoutingDecision> decisions;
            try
            {
                if (command.Event is Inspect inspect)
                {
                    inspect.Read(engine);
                    decisions = [];
                }
                else
                {
                    decisions = engine.Apply(command.Event);
                }
            }
            catch (Exception ex)
            {
                // One bad decision must not stop routing for everyone; the engine is rebuilt below in case it was left half-changed.
                Log.DecisionFailed(logger, ex, command.Event.GetType().Name);
                command.Reply?.TrySetException(ex);
                failed = true;
                continue;
            }
            decided.AddRange(decisions);
            if (command.Reply is not null)
            {
                replies.Add((command.Reply, decisions));
            }
        }

        if (decided.Count > 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var applier = scope.ServiceProvider.GetRequiredService<RoutingDecisionApplier>();
                await applier.ApplyAsync(decided, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The engine moved on but the database did not: tell the callers, and rebuild the engine from the database.
                Log.PersistFailed(logger, ex, decided.Count);
                foreach (var (reply, _) in replies)
                {
                    reply.TrySetException(ex);
                }
                replies.Clear();
                failed = true;
            }
        }
        foreach (var (reply, decisions) in replies)
        {
            reply.TrySetResult(decisions);
        }
        if (failed && rebuildOnFailure)
        {
            await RebuildAsync(ct);
        }
    }

    /// <summary>Rebuilds the engine's view after a restart: agents, who holds what, and who is still waiting.</summary>
    private async Task<List<RoutingEvent>> RestoreAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var presence = scope.ServiceProvider.GetRequiredService<AgentPresenceTracker>();
        var queues = scope.ServiceProvider.GetRequiredService<QueueClassifier>();
        var events = new List<RoutingEvent>();

        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams).ToListAsync(ct);
        events.AddRange(agents.Select(a => AgentEvents.Upserted(a, presence.Effective(a.Id, a.Presence))));

        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.Waiting)
            .OrderBy(c => c.WaitingSince)
            .ToListAsync(ct);
        var active = agents.Select(a => a.Id).ToHashSet();
        foreach (var c in open)
        {
            // A conversation held by an agent who is no longer active waits for someone else.
            events.Add(c is { Status: ConversationStatus.Assigned, AssigneeId: { } agentId } && active.Contains(agentId)
                ? new ConversationAssigned(c.Id, c.Channel, agentId)
                : queues.Waiting(c, c.WaitingSince,
                    c.ResponsibleAgentId is { } r && active.Contains(r) ? r : null,
                    c.TargetAgentId is { } t && active.Contains(t) ? t : null));
        }
        return events;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Routing (re)built from {Count} events")]
        public static partial void Restored(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Error, "Routing decision for {Event} failed; the loop goes on")]
        public static partial void DecisionFailed(ILogger logger, Exception ex, string @event);

        [LoggerMessage(3, LogLevel.Error, "Persisting {Count} routing decisions failed")]
        public static partial void PersistFailed(ILogger logger, Exception ex, int count);
    }
}

internal static class AgentEvents
{
    public static AgentUpserted Upserted(Agent agent, AgentPresence effectivePresence) => new(
        agent.Id, effectivePresence,
        agent.Capacities.ToDictionary(c => c.Channel, c => c.Capacity),
        agent.Teams.Select(t => t.TeamId).ToList(),
        agent.AutoAccept,
        agent.Skills.ToDictionary(s => s.Skill, s => s.Proficiency, StringComparer.Ordinal),
        Profile(agent));

    /// <summary>The agent's weighted capacity, when they have a unit budget.</summary>
    public static CapacityProfile? Profile(Agent agent) => agent.CapacityUnits is int units and > 0
        ? new CapacityProfile(
            units,
            agent.Capacities.Where(c => c.Units is > 0).ToDictionary(c => c.Channel, c => c.Units!.Value, StringComparer.Ordinal),
            agent.Capacities.Where(c => c.Blocks.Length > 0).ToDictionary(
                c => c.Channel, IReadOnlyCollection<string> (c) => QueueClassifier.Split(c.Blocks).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal))
        : null;
}
