using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Routing;
using Crm.Routing.Classification;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

/// <summary>
/// The routing policy in force, held in memory so classifying a new conversation costs no query; replaced whenever a
/// supervisor saves. The ingest writer classifies every conversation it opens with it, and every conversation sent to routing
/// takes its queue's escalation ladder and alert wait from it.
/// </summary>
internal sealed class QueueClassifier(IServiceScopeFactory scopes, Metrics.MetricsSettingsSource metrics) : IDisposable
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private volatile RoutingPolicy _policy = RoutingPolicy.Empty;
    private volatile QueueExtras _extras = new(new Dictionary<Guid, Metrics.BusinessCalendar>(), new Dictionary<Guid, string>());

    /// <summary>What the hub keeps per queue beside the routing rule: its business calendar and the category it files under.</summary>
    private sealed record QueueExtras(IReadOnlyDictionary<Guid, Metrics.BusinessCalendar> Calendars, IReadOnlyDictionary<Guid, string> Categories);

    public RoutingPolicy Policy => _policy;

    /// <summary>
    /// Reads the queues and their version in one transaction (so they belong together), one reload at a time, and never installs
    /// an older version than the one in force: two saves finishing together cannot leave the earlier policy behind.
    /// </summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reloading.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await using var read = await db.Database.BeginTransactionAsync(ct);
            var queues = await db.RoutingQueues.AsNoTracking().OrderBy(q => q.Order).ThenBy(q => q.Name).ToListAsync(ct);
            var version = await db.RoutingPolicyVersions.MaxAsync(v => (int?)v.Version, ct) ?? 0;
            await read.CommitAsync(ct);
            if (version >= _policy.Version)
            {
                _policy = new RoutingPolicy(version, [.. queues.Select(ToRule)]);
                var calendars = queues.Select(q => (q.Id, Calendar: QueueCalendar.ToBusinessCalendar(q.BusinessHours)))
                    .Where(q => q.Calendar is not null).ToDictionary(q => q.Id, q => q.Calendar!);
                _extras = new QueueExtras(calendars,
                    queues.Where(q => q.SetsCategory is not null).ToDictionary(q => q.Id, q => q.SetsCategory!));
                var defaults = metrics.Current.Sla.Default;
                metrics.Update(calendars, queues.Where(q => q.FirstResponseSlaSeconds is not null || q.ResolutionSlaSeconds is not null)
                    .ToDictionary(q => q.Id, q => new Metrics.SlaPolicy(new Metrics.SlaTarget(
                        q.FirstResponseSlaSeconds is { } f ? TimeSpan.FromSeconds(f) : defaults.FirstResponse,
                        q.ResolutionSlaSeconds is { } r ? TimeSpan.FromSeconds(r) : defaults.Resolution), [])));
            }
        }
        finally
        {
            _reloading.Release();
        }
    }

    public void Dispose() => _reloading.Dispose();

    /// <summary>When a first response is due: <paramref name="sla"/> of the queue's business time after <paramref name="since"/>.</summary>
    public DateTimeOffset SlaDue(Guid queueId, DateTimeOffset since, TimeSpan sla) =>
        _extras.Calendars.TryGetValue(queueId, out var calendar) ? calendar.AddBusinessTime(since, sla) : since + sla;

    /// <summary>The category a queue files its conversations under, if it sets one.</summary>
    public string? CategoryOf(Guid queueId) => _extras.Categories.GetValueOrDefault(queueId);

    /// <summary>The first queue that takes a conversation with these facts.</summary>
    public QueueRule? Classify(ConversationFacts facts) => _policy.Classify(facts);

    /// <summary>
    /// The routing request for a conversation that (again) waits for an agent. A conversation a person sent to a team or an agent
    /// stays there: no overflow ladder then, only the supervisor alert. That is the case for <paramref name="placedByPerson"/>, and
    /// whenever the stored conversation shows it (a target agent, or a team other than its queue's), so a restart keeps it too.
    /// A wait replayed with the same <paramref name="since"/> continues where its escalation had got to.
    /// </summary>
    public ConversationWaiting Waiting(Conversation c, DateTimeOffset since, Guid? responsible = null, Guid? target = null, bool placedByPerson = false)
    {
        ArgumentNullException.ThrowIfNull(c);
        var queue = _policy.Find(c.QueueId);
        var byPerson = placedByPerson || c.TargetAgentId is not null || c.TeamId != queue?.TeamId;
        var continued = c.EscalationFor == since ? new ContinuedWait(c.OverflowRungs, c.Escalated, c.SlaRiskAlerted) : null;
        return new ConversationWaiting(c.Id, c.Channel, c.Priority, since, c.TeamId, responsible, target, c.PendingSlaDueAt,
            c.RequiredSkill, c.MinProficiency,
            byPerson ? null : _policy.LadderFrom(c.QueueId),
            queue?.AlertAfter,
            continued);
    }

    public static QueueRule ToRule(RoutingQueue q) => new()
    {
        Id = q.Id,
        Name = q.Name,
        Priority = q.Priority,
        FirstResponseSla = Seconds(q.FirstResponseSlaSeconds),
        Channels = Set(q.Channels, lower: true),
        Inboxes = Set(q.Inboxes, lower: false),
        Languages = Set(q.Languages, lower: true),
        ContactTags = Set(q.ContactTags, lower: true),
        Categories = Set(q.Categories, lower: true),
        Keywords = Split(q.Keywords),
        TeamId = q.TeamId,
        Skill = q.Skill,
        MinProficiency = q.MinProficiency,
        OverflowQueueId = q.OverflowQueueId,
        OverflowAfter = Seconds(q.OverflowAfterSeconds),
        AlertAfter = Seconds(q.AlertAfterSeconds),
    };

    public static IReadOnlyList<string> Split(string list) =>
        [.. list.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static HashSet<string> Set(string list, bool lower) =>
        Split(list).Select(v => lower ? v.ToLowerInvariant() : v).ToHashSet(StringComparer.Ordinal);

    private static TimeSpan? Seconds(int? seconds) => seconds is int s ? TimeSpan.FromSeconds(s) : null;
}
