using System.Globalization;
using Crm.Channels;
using Crm.Hub.Agents;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Routing;
using Crm.Routing.Classification;
using Crm.Routing.Replay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Routing.WhatIf;

/// <summary>
/// Answers a <see cref="WhatIfRequest"/>: loads the recorded conversations of the day, the candidate policy and staffing, and
/// runs <see cref="WhatIfReplay"/>. Shared by the supervisor API and the <c>replay</c> command.
/// </summary>
internal sealed class WhatIfRunner(HubDbContext db, QueueClassifier classifier, IOptions<HubRoutingOptions> options)
{
    public const int MaxDays = 7;

    /// <summary>A handle time for conversations never resolved: the median of those that were, else this.</summary>
    private static readonly TimeSpan DefaultHandleTime = TimeSpan.FromMinutes(10);

    public async Task<(ReplayReport? Report, Dictionary<string, string[]> Errors)> RunAsync(WhatIfRequest request, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        TimeZoneInfo zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(request.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone.Trim(), out zone!))
        {
            errors["timeZone"] = [$"'{request.TimeZone}' is not a time zone; use an IANA name such as Asia/Tehran or Europe/Berlin."];
            zone = TimeZoneInfo.Utc;
        }
        var dateOk = DateOnly.TryParseExact(request.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= 2000 and <= 2100;
        if (!dateOk)
        {
            errors["date"] = ["date is the day to replay, as yyyy-MM-dd (years 2000-2100)."];
        }
        var days = request.Days ?? 1;
        if (days is < 1 or > MaxDays)
        {
            errors["days"] = [$"days is 1 to {MaxDays}."];
            days = 1;
        }
        var policy = await PolicyAsync(request.PolicyVersion, errors, ct);
        var staffing = request.Agents is not { } agents ? await CurrentStaffAsync(ct)
            : dateOk ? Candidates(agents, date, days, zone, errors)
            : [];
        if (errors.Count > 0 || policy is null)
        {
            return (null, errors);
        }
        var from = Local(date, TimeOnly.MinValue, zone);
        var to = Local(date.AddDays(days), TimeOnly.MinValue, zone);
        var recorded = await RecordedAsync(from, to, ct);
        return (WhatIfReplay.Run(recorded, policy, staffing, options.Value.ToEngineOptions(), from, to, ct), errors);
    }

    private async Task<RoutingPolicy?> PolicyAsync(int? version, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (version is not int wanted)
        {
            return classifier.Policy;
        }
        var saved = await db.RoutingPolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Version == wanted, ct);
        if (saved is null)
        {
            errors["policyVersion"] = [$"There is no policy version {wanted}."];
            return null;
        }
        var views = PolicyVersions.Queues(saved);
        return new RoutingPolicy(wanted, [.. views.Select(v => QueueClassifier.ToRule(ToQueue(v)))]);
    }

    private static RoutingQueue ToQueue(QueueView v)
    {
        var queue = new RoutingQueue { Id = v.Id, Name = v.Name };
        QueuesApi.Apply(queue, new QueueInput(v.Name, v.Order, v.Priority, v.FirstResponseSlaSeconds, v.Channels, v.Keywords, v.Skill, v.MinProficiency,
            v.Inboxes, v.Languages, v.ContactTags, v.Categories, v.TeamId, v.OverflowQueueId, v.OverflowAfterSeconds, v.AlertAfterSeconds,
            v.ResolutionSlaSeconds, v.Calendar, v.SetsCategory, v.Survey), DateTimeOffset.UnixEpoch);
        return queue;
    }

    /// <summary>Today's active agents, as they are configured now, on all day.</summary>
    private async Task<List<StaffedAgent>> CurrentStaffAsync(CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams)
            .OrderBy(a => a.DisplayName).ToListAsync(ct);
        return [.. agents.Select(a => new StaffedAgent(a.Id, a.DisplayName,
            a.Capacities.ToDictionary(c => c.Channel, c => c.Capacity, StringComparer.Ordinal),
            [.. a.Teams.Select(t => t.TeamId)],
            a.Skills.ToDictionary(s => s.Skill, s => s.Proficiency, StringComparer.Ordinal),
            AgentEvents.Profile(a)))];
    }

    private static List<StaffedAgent> Candidates(IReadOnlyList<WhatIfAgent> agents, DateOnly date, int days, TimeZoneInfo zone,
        Dictionary<string, string[]> errors)
    {
        var staffed = new List<StaffedAgent>();
        for (var i = 0; i < agents.Count; i++)
        {
            var a = agents[i];
            var capacity = a.Capacity ?? new Dictionary<string, int>();
            if (capacity.Count == 0 || capacity.Any(kv => !ChannelNames.IsKnown(kv.Key) || kv.Value is < 0 or > 100))
            {
                errors[$"agents[{i}].capacity"] = [$"Capacity is 0-100 per known channel ({string.Join(", ", ChannelNames.All)}), at least one."];
                continue;
            }
            if (AgentSkills.Problem(a.Skills) is { } skillProblem)
            {
                errors[$"agents[{i}].skills"] = [skillProblem];
                continue;
            }
            if (a.Weighted is { } weighted && AgentsApi.WeightedProblem(weighted) is { } weightedProblem)
            {
                errors[$"agents[{i}].weighted"] = [weightedProblem];
                continue;
            }
            // Shifts repeat every day of the period.
            var shifts = new List<Shift>();
            foreach (var text in a.Shifts ?? [])
            {
                if (ParseShift(text) is not { } hours)
                {
                    errors[$"agents[{i}].shifts"] = [$"'{text}' is not a shift; write it as 09:00-17:30 (local time, may end past midnight)."];
                    continue;
                }
                for (var day = 0; day < days; day++)
                {
                    var on = date.AddDays(day);
                    shifts.Add(new Shift(Local(on, hours.Start, zone), Local(hours.End > hours.Start ? on : on.AddDays(1), hours.End, zone)));
                }
            }
            var profile = a.Weighted is { Units: > 0 } w
                ? new CapacityProfile(w.Units, w.UnitsPerConversation ?? new Dictionary<string, int>(),
                    w.Blocks?.ToDictionary(kv => kv.Key, IReadOnlyCollection<string> (kv) => (kv.Value ?? []).ToHashSet(StringComparer.Ordinal)))
                : null;
            staffed.Add(new StaffedAgent(Guid.CreateVersion7(), string.IsNullOrWhiteSpace(a.Name) ? $"Agent {i + 1}" : a.Name.Trim(), capacity,
                a.TeamIds ?? [], a.Skills?.ToDictionary(s => AgentSkills.Normalize(s.Key), s => s.Value), profile, shifts));
        }
        return staffed;
    }

    private static (TimeOnly Start, TimeOnly End)? ParseShift(string? text)
    {
        var parts = (text ?? "").Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            && start != end
            ? (start, end)
            : null;
    }

    private static DateTimeOffset Local(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>
    /// The conversations that arrived in the period, with what the rules see (channel, first customer message, the inbox of the
    /// contact's identity on that channel, the contact's tags as they are now, category) and their recorded work: first reply and resolution after assignment.
    /// </summary>
    private async Task<List<RecordedConversation>> RecordedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var conversations = await db.Conversations.AsNoTracking().Where(c => c.CreatedAt >= from && c.CreatedAt < to)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Number).ToListAsync(ct);
        var ids = conversations.Select(c => c.Id).ToList();
        var first = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ConversationId) && m.Direction == MessageDirection.Inbound)
            .GroupBy(m => m.ConversationId).Select(g => g.OrderBy(m => m.CreatedAt).First()).ToListAsync(ct);
        var bodies = first.ToDictionary(m => m.ConversationId, m => m.Body);
        var contacts = conversations.Select(c => c.ContactId).Distinct().ToList();
        var inboxes = (await db.ChannelIdentities.AsNoTracking().Where(i => contacts.Contains(i.ContactId))
                .Select(i => new { i.ContactId, i.Channel, i.AccountId }).ToListAsync(ct))
            .GroupBy(i => (i.ContactId, i.Channel)).ToDictionary(g => g.Key, g => g.First().AccountId);
        var tags = (await db.ContactTags.AsNoTracking().Where(t => contacts.Contains(t.ContactId)).ToListAsync(ct))
            .GroupBy(t => t.ContactId).ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)[.. g.Select(t => t.Tag)]);
        var handled = conversations.Where(c => c is { AssignedAt: not null, ResolvedAt: not null } && c.ResolvedAt > c.AssignedAt)
            .Select(c => c.ResolvedAt!.Value - c.AssignedAt!.Value).Order().ToList();
        var typical = handled.Count > 0 ? handled[handled.Count / 2] : DefaultHandleTime;
        return [.. conversations.Select(c => new RecordedConversation(
            c.Id,
            c.CreatedAt,
            new ConversationFacts(c.Channel, bodies.GetValueOrDefault(c.Id) ?? "", inboxes.GetValueOrDefault((c.ContactId, c.Channel)),
                tags.GetValueOrDefault(c.ContactId), c.Category),
            c is { AssignedAt: { } assigned, ResolvedAt: { } resolved } && resolved > assigned ? resolved - assigned : typical,
            c is { AssignedAt: { } taken, FirstResponseAt: { } replied } && replied >= taken ? replied - taken : null,
            c.ResponsibleAgentId))];
    }
}
