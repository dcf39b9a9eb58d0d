namespace Crm.Hub.Metrics;

internal enum FcrStatus
{
    /// <summary>Not resolved (now): not counted.</summary>
    NotResolved,
    /// <summary>Resolved on first contact, for good: the window has closed without the contact coming back.</summary>
    FirstContact,
    /// <summary>Reopened, transferred, or the contact opened another conversation within the window.</summary>
    NotFirstContact,
    /// <summary>Resolved on first contact so far; final at <see cref="FcrOutcome.Until"/>.</summary>
    Provisional,
}

internal sealed record FcrOutcome(FcrStatus Status, DateTimeOffset? Until = null);

/// <summary>
/// First-contact resolution (DESIGN §8) over all conversations of one contact: a resolved conversation counts when it was
/// never reopened, never transferred, and the same contact opened no other conversation on any channel after its resolution
/// and within the window (default 7 days: resolved at R, a conversation opened in (R, R + window] breaks it). Until the window
/// closes (now ≤ R + window) it is provisional. Conversations opened after <c>now</c> are not known yet and do not count.
/// </summary>
internal sealed class FcrEvaluator(TimeSpan window)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    public FcrEvaluator() : this(DefaultWindow)
    {
    }

    public TimeSpan Window { get; } = window > TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window), window, "The FCR window must be positive.");

    /// <summary>The outcome of one conversation, given every conversation of its contact on any channel (it may be among them).</summary>
    public FcrOutcome Evaluate(ConversationHistory conversation, IEnumerable<ConversationHistory> contactConversations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(contactConversations);
        var timings = ConversationTimings.Of(conversation);
        if (timings.ResolvedAt is not { } r)
        {
            return new FcrOutcome(FcrStatus.NotResolved);
        }
        if (timings.Reopened || timings.Transferred)
        {
            return new FcrOutcome(FcrStatus.NotFirstContact);
        }
        var until = r + Window;
        var cameBack = contactConversations.Any(o => o.ConversationId != conversation.ConversationId && o.ContactId == conversation.ContactId
            && o.OpenedAt is { } opened && opened > r && opened <= until && opened <= now);
        return cameBack ? new FcrOutcome(FcrStatus.NotFirstContact)
            : now <= until ? new FcrOutcome(FcrStatus.Provisional, until)
            : new FcrOutcome(FcrStatus.FirstContact);
    }

    /// <summary>Every conversation's outcome, the histories grouped by contact.</summary>
    public IReadOnlyDictionary<Guid, FcrOutcome> EvaluateAll(IEnumerable<ConversationHistory> conversations, DateTimeOffset now) =>
        conversations.GroupBy(c => c.ContactId)
            .SelectMany(g => g.Select(c => (c.ConversationId, Outcome: Evaluate(c, g, now))))
            .ToDictionary(x => x.ConversationId, x => x.Outcome);
}

/// <summary>FCR counts; the rate over decided conversations, and the live rate counting provisional ones as first contact.</summary>
internal sealed record FcrSummary(int FirstContact, int NotFirstContact, int Provisional)
{
    public static FcrSummary Of(IEnumerable<FcrOutcome> outcomes)
    {
        var list = outcomes.ToList();
        return new FcrSummary(list.Count(o => o.Status == FcrStatus.FirstContact), list.Count(o => o.Status == FcrStatus.NotFirstContact),
            list.Count(o => o.Status == FcrStatus.Provisional));
    }

    /// <summary>First-contact share of the decided conversations, in percent; null when none is decided.</summary>
    public decimal? Rate => FirstContact + NotFirstContact == 0 ? null : FirstContact * 100m / (FirstContact + NotFirstContact);

    /// <summary>The live board's figure: provisional ones counted as first contact, in percent.</summary>
    public decimal? ProvisionalRate => FirstContact + NotFirstContact + Provisional == 0 ? null
        : (FirstContact + Provisional) * 100m / (FirstContact + NotFirstContact + Provisional);
}
