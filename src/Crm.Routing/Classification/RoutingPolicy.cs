namespace Crm.Routing.Classification;

/// <summary>The outcome of classifying a conversation: its queue (null: none matched) and, for each queue tried, why it did or did not take it.</summary>
public sealed record Classification(QueueRule? Queue, IReadOnlyList<string> Trace);

/// <summary>
/// The routing policy as data: the queues in the order they are tried, at one version. Immutable; a saved change is a new
/// policy. Classifies new conversations and builds the escalation ladder a queue's conversations climb.
/// </summary>
public sealed class RoutingPolicy
{
    /// <summary>How many overflow rungs a ladder may have; a longer chain is cut here.</summary>
    public const int MaxRungs = 8;

    private readonly Dictionary<Guid, QueueRule> _byId;

    public RoutingPolicy(int version, IReadOnlyList<QueueRule> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        Version = version;
        Queues = queues;
        _byId = queues.ToDictionary(q => q.Id);
    }

    public static RoutingPolicy Empty { get; } = new(0, []);

    public int Version { get; }

    public IReadOnlyList<QueueRule> Queues { get; }

    /// <summary>True when some queue looks at the contact's tags, so classifying needs them.</summary>
    public bool RoutesByContactTags => Queues.Any(q => q.ContactTags.Count > 0);

    public QueueRule? Find(Guid? id) => id is Guid key ? _byId.GetValueOrDefault(key) : null;

    /// <summary>The first queue whose conditions all hold.</summary>
    public QueueRule? Classify(ConversationFacts facts)
    {
        foreach (var queue in Queues)
        {
            if (queue.Mismatch(facts) is null)
            {
                return queue;
            }
        }

        return null;
    }

    /// <summary>Like <see cref="Classify"/>, with the reason each queue tried did not match: the preview a supervisor reads.</summary>
    public Classification Explain(ConversationFacts facts)
    {
        var trace = new List<string>();
        foreach (var queue in Queues)
        {
            if (queue.Mismatch(facts) is { } why)
            {
                trace.Add($"{queue.Name}: no — {why}");
                continue;
            }

            trace.Add($"{queue.Name}: yes — {queue.Describe()}");
            return new Classification(queue, trace);
        }

        return new Classification(null, trace);
    }

    /// <summary>
    /// The overflow rungs after <paramref name="queueId"/>: each next queue's team, skill and priority, reached after the
    /// waits along the chain add up. A cycle (which saving never allows) or an unknown queue ends the ladder.
    /// </summary>
    public IReadOnlyList<OverflowStep> LadderFrom(Guid? queueId)
    {
        var queue = Find(queueId);
        if (queue is null)
        {
            return [];
        }

        var steps = new List<OverflowStep>();
        var seen = new HashSet<Guid> { queue.Id };
        var after = TimeSpan.Zero;
        while (steps.Count < MaxRungs && queue.OverflowAfter is { } wait && Find(queue.OverflowQueueId) is { } next && seen.Add(next.Id))
        {
            after += wait;
            steps.Add(new OverflowStep(after, next.Name, next.TeamId, next.Skill, next.MinProficiency, next.Priority));
            queue = next;
        }

        return steps;
    }

    /// <summary>The queue names around an overflow cycle (first repeated at the end), or null when following overflows always ends.</summary>
    public static IReadOnlyList<string>? FindOverflowCycle(IReadOnlyCollection<(Guid Id, string Name, Guid? OverflowTo)> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var byId = queues.ToDictionary(q => q.Id);
        foreach (var start in queues)
        {
            var path = new List<Guid> { start.Id };
            var current = start;
            while (current.OverflowTo is Guid next && byId.TryGetValue(next, out var target))
            {
                var at = path.IndexOf(target.Id);
                if (at >= 0)
                {
                    return [.. path.Skip(at).Append(target.Id).Select(id => byId[id].Name)];
                }

                path.Add(target.Id);
                current = target;
            }
        }

        return null;
    }
}
