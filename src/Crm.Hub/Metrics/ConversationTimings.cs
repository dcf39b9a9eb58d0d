namespace Crm.Hub.Metrics;

/// <summary>
/// One contact episode of a conversation: from its opening (or a reopening) to the resolution that ended it. A reopened
/// conversation has one episode per time it was worked on.
/// </summary>
internal sealed record ContactEpisode(
    DateTimeOffset Start,
    DateTimeOffset? CustomerWroteAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ResolvedAt,
    Guid? ResolvedBy,
    bool Transferred = false)
{
    /// <summary>The episode's first customer message to the first agent reply after it; null when either is missing.</summary>
    public TimeSpan? ResponseTime => CustomerWroteAt is { } wrote && FirstResponseAt is { } replied ? replied - wrote : null;

    /// <summary>The episode's first accepted assignment to its resolution; null until both happened.</summary>
    public TimeSpan? HandleTime => AcceptedAt is { } accepted && ResolvedAt is { } resolved ? resolved - accepted : null;
}

/// <summary>A spell in the queue: from opening, reopening or a transfer to the next accepted assignment.</summary>
internal sealed record QueueWait(DateTimeOffset Since, DateTimeOffset AssignedAt)
{
    public TimeSpan Duration => AssignedAt - Since;
}

/// <summary>
/// The timings of one conversation, by the definitions of DESIGN §8 made exact:
/// <list type="bullet">
/// <item><b>FRT</b> (<see cref="FirstResponseTime"/>): the conversation's first customer message to the first reply a person
/// wrote after it, within the first episode. Automatic messages (acknowledgements, surveys, bots) never count, in either
/// direction. A reopened conversation keeps the FRT of its first episode; each later episode's own response time is in
/// <see cref="Episodes"/>. A first episode resolved without any agent reply has no FRT.</item>
/// <item><b>AHT</b> (<see cref="HandleTime"/>): per episode, the first accepted assignment to the resolution; for the
/// conversation, the sum over its resolved episodes (a transfer does not stop the clock: the centre still holds it).</item>
/// <item><b>Time to assign</b>: opening to the first accepted assignment; every spell in the queue (after opening, a reopening
/// or a transfer) until an agent accepted it is in <see cref="Waits"/>.</item>
/// <item><b>Resolution time</b>: opening to the latest resolution, for a conversation that is resolved now.</item>
/// </list>
/// </summary>
internal sealed record ConversationTimings(ConversationHistory Conversation, IReadOnlyList<ContactEpisode> Episodes, IReadOnlyList<QueueWait> Waits)
{
    public DateTimeOffset? OpenedAt => Episodes.Count > 0 ? Episodes[0].Start : null;

    public TimeSpan? FirstResponseTime => Episodes.Count > 0 ? Episodes[0].ResponseTime : null;

    public DateTimeOffset? FirstResponseAt => Episodes.Count > 0 && Episodes[0].CustomerWroteAt is not null ? Episodes[0].FirstResponseAt : null;

    public TimeSpan? TimeToAssign => Episodes.Count > 0 && Episodes[0].AcceptedAt is { } accepted ? accepted - Episodes[0].Start : null;

    public TimeSpan? HandleTime => Episodes.Any(e => e.HandleTime is not null)
        ? Episodes.Where(e => e.HandleTime is not null).Aggregate(TimeSpan.Zero, (sum, e) => sum + e.HandleTime!.Value)
        : null;

    /// <summary>The latest resolution, when the conversation is resolved now (not reopened since).</summary>
    public DateTimeOffset? ResolvedAt => Episodes.Count > 0 ? Episodes[^1].ResolvedAt : null;

    /// <summary>Worked on more than once: resolved, then reopened.</summary>
    public bool Reopened => Episodes.Count > 1;

    /// <summary>Handed from one agent or team to another while open.</summary>
    public bool Transferred => Episodes.Any(e => e.Transferred);

    public TimeSpan? ResolutionTime => ResolvedAt is { } resolved && OpenedAt is { } opened ? resolved - opened : null;

    public static ConversationTimings Of(ConversationHistory conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var episodes = new List<ContactEpisode>();
        var waits = new List<QueueWait>();
        EpisodeBuilder? current = null;
        DateTimeOffset? waitingSince = null;
        foreach (var entry in conversation.Timeline)
        {
            switch (entry.Kind)
            {
                case TimelineKind.Opened when episodes.Count == 0 && current is null:
                case TimelineKind.Reopened when current is null && episodes.Count > 0:
                    current = new EpisodeBuilder(entry.At);
                    waitingSince = entry.At;
                    break;
                case TimelineKind.CustomerMessage:
                    // A first message without an "opened" before it opens the conversation itself.
                    if (current is null && episodes.Count == 0)
                    {
                        current = new EpisodeBuilder(entry.At);
                        waitingSince = entry.At;
                    }
                    if (current is not null)
                    {
                        current.CustomerWroteAt ??= entry.At;
                    }
                    break;
                case TimelineKind.AgentReply when current is { CustomerWroteAt: not null }:
                    current.FirstResponseAt ??= entry.At;
                    break;
                case TimelineKind.Assigned when current is not null:
                    current.AcceptedAt ??= entry.At;
                    if (waitingSince is { } since)
                    {
                        waits.Add(new QueueWait(since, entry.At));
                        waitingSince = null;
                    }
                    break;
                case TimelineKind.Transferred when current is not null:
                    current.Transferred = true;
                    waitingSince = entry.At;
                    break;
                case TimelineKind.Resolved when current is not null:
                    episodes.Add(current.Build(entry.At, entry.AgentId));
                    current = null;
                    waitingSince = null;
                    break;
            }
        }
        if (current is not null)
        {
            episodes.Add(current.Build(null, null));
        }
        return new ConversationTimings(conversation, episodes, waits);
    }

    private sealed class EpisodeBuilder(DateTimeOffset start)
    {
        public DateTimeOffset? CustomerWroteAt { get; set; }
        public DateTimeOffset? FirstResponseAt { get; set; }
        public DateTimeOffset? AcceptedAt { get; set; }
        public bool Transferred { get; set; }

        public ContactEpisode Build(DateTimeOffset? resolvedAt, Guid? resolvedBy) =>
            new(start, CustomerWroteAt, FirstResponseAt, AcceptedAt, resolvedAt, resolvedBy, Transferred);
    }
}
