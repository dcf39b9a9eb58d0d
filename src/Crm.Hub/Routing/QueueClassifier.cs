using System.Globalization;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

/// <summary>One queue's rule, parsed once.</summary>
internal sealed record QueueRule(Guid Id, string Name, int Priority, TimeSpan? FirstResponseSla, IReadOnlySet<string> Channels, IReadOnlyList<string> Keywords,
    string? Skill = null, int MinProficiency = 1)
{
    public bool Matches(string channel, string firstMessage) =>
        (Channels.Count == 0 || Channels.Contains(channel))
        && (Keywords.Count == 0 || Keywords.Any(k => firstMessage.Contains(k, StringComparison.OrdinalIgnoreCase)));

    public static QueueRule From(RoutingQueue q) => new(q.Id, q.Name, q.Priority,
        q.FirstResponseSlaSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
        Split(q.Channels).Select(c => c.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal),
        Split(q.Keywords), q.Skill, q.MinProficiency);

    public static IReadOnlyList<string> Split(string list) =>
        [.. list.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>
/// The queues in evaluation order, held in memory so classifying a new conversation costs no query; replaced
/// whenever a supervisor saves. The ingest writer reads <see cref="Classify"/> for every conversation it opens.
/// </summary>
internal sealed class QueueClassifier(IServiceScopeFactory scopes)
{
    private volatile IReadOnlyList<QueueRule>? _rules;

    public async Task ReloadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        _rules = [.. (await db.RoutingQueues.AsNoTracking().OrderBy(q => q.Order).ThenBy(q => q.Name).ToListAsync(ct)).Select(QueueRule.From)];
    }

    /// <summary>The first queue that takes a conversation opened on <paramref name="channel"/> by <paramref name="firstMessage"/>.</summary>
    public QueueRule? Classify(string channel, string firstMessage) =>
        (_rules ?? []).FirstOrDefault(r => r.Matches(channel, firstMessage));

    public static string Describe(QueueRule rule) =>
        string.Create(CultureInfo.InvariantCulture, $"queue {rule.Name}, priority {rule.Priority}")
        + (rule.FirstResponseSla is { } sla ? string.Create(CultureInfo.InvariantCulture, $", first response within {sla.TotalSeconds:0} s") : "")
        + (rule.Skill is { } skill ? string.Create(CultureInfo.InvariantCulture, $", needs {skill} at level {rule.MinProficiency}+") : "");
}
