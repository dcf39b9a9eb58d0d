namespace Crm.Hub.Metrics;

/// <summary>
/// One day's headline figures (the board's "today"). Each figure is attributed to the day its deciding moment falls on in the
/// board's time zone:
/// <list type="bullet">
/// <item><see cref="Opened"/>: conversations opened that day;</item>
/// <item><see cref="FirstResponse"/>: conversations whose first agent reply (first episode, see <see cref="ConversationTimings"/>)
/// happened that day;</item>
/// <item><see cref="TimeToAssign"/>: spells in the queue (after opening, reopening or a transfer) that ended with an accepted
/// assignment that day;</item>
/// <item><see cref="Resolved"/>, <see cref="HandleTime"/>, <see cref="SameDayResolved"/>, <see cref="SlaMet"/>,
/// <see cref="ComplaintToResolution"/> and <see cref="ResolvedByAgent"/>: resolutions that day, a reopened conversation
/// counting once per resolution. Handle time is the resolved episode's; same-day when the resolution falls on the local date
/// (queue's time zone) the conversation was opened; complaint-to-resolution runs from opening to that resolution, wall-clock
/// and in the queue's business hours; SLA met when both clocks met the target at that resolution;</item>
/// <item><see cref="Fcr"/>: conversations whose latest resolution was that day and are resolved now.</item>
/// </list>
/// </summary>
internal sealed record DailyFigures(
    DateOnly Day,
    int Opened,
    int Resolved,
    DurationFigures FirstResponse,
    DurationFigures TimeToAssign,
    DurationFigures HandleTime,
    int SameDayResolved,
    int SlaMet,
    DurationFigures ComplaintToResolution,
    DurationFigures ComplaintToResolutionBusiness,
    IReadOnlyDictionary<Guid, int> ResolvedByAgent,
    FcrSummary Fcr)
{
    /// <summary>Same-day resolutions as a percent of the day's resolutions.</summary>
    public decimal? SameDayRate => Resolved == 0 ? null : SameDayResolved * 100m / Resolved;

    /// <summary>SLA compliance: resolutions meeting both targets, as a percent of the day's resolutions.</summary>
    public decimal? SlaCompliance => Resolved == 0 ? null : SlaMet * 100m / Resolved;

    /// <summary>Contacts per agent: resolutions per agent who resolved any, on average.</summary>
    public decimal? ContactsPerAgent => ResolvedByAgent.Count == 0 ? null : (decimal)ResolvedByAgent.Values.Sum() / ResolvedByAgent.Count;

    /// <summary>The figures of <paramref name="day"/> computed from full histories (a report, or a check of the live board).</summary>
    public static DailyFigures Compute(IReadOnlyCollection<ConversationHistory> conversations, DateOnly day, MetricsSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(settings);
        var tally = new DayTally(day);
        var fcr = new FcrEvaluator(settings.FcrWindow);
        var byContact = conversations.ToLookup(c => c.ContactId);
        foreach (var conversation in conversations)
        {
            var t = ConversationTimings.Of(conversation);
            if (t.OpenedAt is not { } opened)
            {
                continue;
            }
            bool Today(DateTimeOffset at) => settings.BoardDate(at) == day;
            if (Today(opened))
            {
                tally.Opened++;
            }
            var first = t.Episodes[0];
            if (t.FirstResponseTime is { } frt && Today(first.FirstResponseAt!.Value))
            {
                tally.FirstResponse.Add(frt);
            }
            foreach (var wait in t.Waits.Where(w => Today(w.AssignedAt)))
            {
                tally.TimeToAssign.Add(wait.Duration);
            }
            var calendar = settings.CalendarOf(conversation.Header.QueueId);
            var target = settings.TargetOf(conversation.Header);
            foreach (var episode in t.Episodes)
            {
                if (episode.ResolvedAt is { } resolved && Today(resolved))
                {
                    tally.AddResolution(conversation.Header, opened, episode, SlaEvaluation.AtResolution(first, opened, resolved, target, calendar), calendar);
                }
            }
            if (t.ResolvedAt is { } latest && Today(latest))
            {
                tally.AddFcr(fcr.Evaluate(conversation, byContact[conversation.ContactId], now).Status, +1);
            }
        }
        return tally.Figures();
    }
}

/// <summary>The running counters behind <see cref="DailyFigures"/>; the live board adds to one per day and scope.</summary>
internal sealed class DayTally(DateOnly day)
{
    private readonly Dictionary<Guid, int> _resolvedByAgent = [];
    private int _fcrFirst;
    private int _fcrNot;
    private int _fcrProvisional;

    public DateOnly Day { get; } = day;
    public int Opened { get; set; }
    public int Resolved { get; private set; }
    public int SameDayResolved { get; private set; }
    public int SlaMet { get; private set; }
    public DurationStats FirstResponse { get; } = new();
    public DurationStats TimeToAssign { get; } = new();
    public DurationStats HandleTime { get; } = new();
    public DurationStats ComplaintToResolution { get; } = new();
    public DurationStats ComplaintToResolutionBusiness { get; } = new();

    public void AddResolution(ConversationHeader header, DateTimeOffset openedAt, ContactEpisode episode, bool slaMet, BusinessCalendar calendar)
    {
        var resolved = episode.ResolvedAt!.Value;
        Resolved++;
        if (episode.HandleTime is { } handle)
        {
            HandleTime.Add(handle);
        }
        if (calendar.LocalDate(openedAt) == calendar.LocalDate(resolved))
        {
            SameDayResolved++;
        }
        if (slaMet)
        {
            SlaMet++;
        }
        if (header.IsComplaint)
        {
            ComplaintToResolution.Add(resolved - openedAt);
            ComplaintToResolutionBusiness.Add(calendar.BusinessDuration(openedAt, resolved));
        }
        if (episode.ResolvedBy is { } agent)
        {
            _resolvedByAgent[agent] = _resolvedByAgent.GetValueOrDefault(agent) + 1;
        }
    }

    public void AddFcr(FcrStatus status, int delta)
    {
        switch (status)
        {
            case FcrStatus.FirstContact:
                _fcrFirst += delta;
                break;
            case FcrStatus.NotFirstContact:
                _fcrNot += delta;
                break;
            case FcrStatus.Provisional:
                _fcrProvisional += delta;
                break;
        }
    }

    public DailyFigures Figures() => new(Day, Opened, Resolved, FirstResponse.Figures, TimeToAssign.Figures, HandleTime.Figures,
        SameDayResolved, SlaMet, ComplaintToResolution.Figures, ComplaintToResolutionBusiness.Figures,
        new Dictionary<Guid, int>(_resolvedByAgent), new FcrSummary(_fcrFirst, _fcrNot, _fcrProvisional));
}
