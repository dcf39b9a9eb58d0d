namespace Crm.Hub.Supervision;

/// <summary>What the board remembers of one open conversation.</summary>
internal sealed class BoardTrackedConversation(Guid id, DateTimeOffset openedAt)
{
    public Guid Id { get; } = id;
    public DateTimeOffset OpenedAt { get; } = openedAt;
    public long Number { get; set; }
    public required string Channel { get; set; }
    public Guid? QueueId { get; set; }
    public string? ContactName { get; set; }
    public string Status { get; set; } = "waiting";
    public Guid? AssigneeId { get; set; }

    /// <summary>Since when the current wait for an agent runs (opening, reopening or a transfer); null while assigned.</summary>
    public DateTimeOffset? WaitingSince { get; set; }
    public DateTimeOffset? CustomerWroteAt { get; set; }
    public DateTimeOffset FirstResponseDue { get; init; }
    public bool Responded { get; set; }
    public bool AtRisk { get; set; }
    public bool Breached { get; set; }
}

/// <summary>The open conversations of one queue or channel: the waiting ones ordered by how long they wait, and counters.</summary>
internal sealed class BoardScope
{
    private readonly SortedSet<(DateTimeOffset Since, Guid Id)> _waiting = [];

    public int Waiting => _waiting.Count;
    public DateTimeOffset? LongestWaitingSince => _waiting.Count == 0 ? null : _waiting.Min.Since;
    public int Open { get; private set; }
    public int AtRisk { get; private set; }
    public int Breached { get; private set; }

    public void Add(BoardTrackedConversation c) => Count(c, +1);

    public void Remove(BoardTrackedConversation c) => Count(c, -1);

    private void Count(BoardTrackedConversation c, int delta)
    {
        Open += delta;
        AtRisk += c.AtRisk ? delta : 0;
        Breached += c.Breached ? delta : 0;
        if (c.WaitingSince is { } since)
        {
            if (delta > 0)
            {
                _waiting.Add((since, c.Id));
            }
            else
            {
                _waiting.Remove((since, c.Id));
            }
        }
    }
}

/// <summary>A channel's inbound and provider-error record.</summary>
internal sealed class ChannelHealth
{
    public DateTimeOffset? LastInboundAt { get; set; }
    public Queue<DateTimeOffset> Errors { get; } = new();
    public string? LastError { get; set; }

    /// <summary>Errors within the hour before <paramref name="now"/>; older ones are dropped.</summary>
    public int ErrorsWithinHour(DateTimeOffset now)
    {
        while (Errors.TryPeek(out var at) && at <= now - TimeSpan.FromHours(1))
        {
            Errors.Dequeue();
        }
        return Errors.Count;
    }
}

/// <summary>One hour of today's trend.</summary>
internal sealed class HourTally
{
    public int Opened { get; set; }
    public int Resolved { get; set; }
    public int FirstResponses { get; set; }
    public double FrtSum { get; set; }

    public void Clear() => (Opened, Resolved, FirstResponses, FrtSum) = (0, 0, 0, 0);
}
