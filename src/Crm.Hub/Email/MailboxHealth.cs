namespace Crm.Hub.Email;

/// <summary>What the mailbox watcher last saw, for the admin page and <c>/health/ready</c>.</summary>
internal sealed class MailboxHealth(TimeProvider time)
{
    private readonly Lock _gate = new();

    public string State { get; private set; } = "starting";
    public DateTimeOffset? LastSyncAt { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Messages found above the cursor and not yet stored, at the last look.</summary>
    public int Pending { get; private set; }

    /// <summary>How long the oldest message waiting to be stored has been in the mailbox.</summary>
    public TimeSpan? Lag { get; private set; }

    public bool Idle { get; private set; }

    public void Connecting() => Set(() => State = "connecting");

    public void Synced(bool idle)
    {
        Set(() =>
        {
            State = "connected";
            Idle = idle;
            LastSyncAt = time.GetUtcNow();
            Pending = 0;
            Lag = null;
        });
    }

    public void Backlog(int pending, DateTimeOffset? oldestArrival) =>
        Set(() =>
        {
            Pending = pending;
            Lag = oldestArrival is { } at ? time.GetUtcNow() - at : null;
        });

    public void Failed(string error) =>
        Set(() =>
        {
            State = "error";
            LastError = error;
            LastErrorAt = time.GetUtcNow();
        });

    public void Off() => Set(() => State = "off");

    public IReadOnlyDictionary<string, object?> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<string, object?>
            {
                ["state"] = State,
                ["idle"] = Idle,
                ["lastSyncAt"] = LastSyncAt,
                ["pending"] = Pending,
                ["lagSeconds"] = Lag?.TotalSeconds,
                ["lastError"] = LastError,
                ["lastErrorAt"] = LastErrorAt,
            };
        }
    }

    private void Set(Action change)
    {
        lock (_gate)
        {
            change();
        }
    }
}
