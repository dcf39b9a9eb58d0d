using Crm.Channels;
using Crm.Hub.Metrics;

namespace Crm.Hub.Tests.Metrics;

/// <summary>
/// Ten hand-written conversations in June 2026, Tehran time (UTC+03:30 all year, so the arithmetic is wall-clock arithmetic).
/// The queue's calendar: Sat–Wed 08:00–16:00, Thu 08:00–12:00, Fri closed; Thu 2026-06-04 (14 Khordad) is a holiday.
/// June 2026: Mon 1, Tue 2, Wed 3, Thu 4 (holiday), Fri 5, Sat 6, Sun 7, Mon 8, Tue 9, Wed 10. "Now" is Wed 10 12:00.
/// SLA policy (business time): default first response 1 h / resolution 8 h; email 4 h / 16 h; priority 2 (urgent) 15 min / 4 h.
/// </summary>
internal static class MetricsFixture
{
    public static readonly TimeZoneInfo Tehran = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tehran");
    private static readonly TimeSpan Offset = new(3, 30, 0);

    public static readonly Guid Ava = Id(0xa1), Babak = Id(0xa2), Cyrus = Id(0xa3);
    public static readonly Guid Sara = Id(0xb1), Reza = Id(0xb2), Mina = Id(0xb3), Ali = Id(0xb4), Neda = Id(0xb5), Hamed = Id(0xb6),
        Omid = Id(0xb7), Leila = Id(0xb8);
    public static readonly Guid Support = Id(0xf1);

    public static readonly DateTimeOffset Now = L(10, 12, 0);

    public static Guid Id(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:x12}");

    /// <summary>June <paramref name="day"/>, 2026, at a Tehran wall-clock time.</summary>
    public static DateTimeOffset L(int day, int hour, int minute, int second = 0) => new(2026, 6, day, hour, minute, second, Offset);

    public static BusinessCalendar Calendar { get; } = new(Tehran, new Dictionary<DayOfWeek, IReadOnlyList<OpeningHours>>
    {
        [DayOfWeek.Saturday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Sunday] = [OpeningHours.Of(8, 16)],
        [DayOfWeek.Monday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Tuesday] = [OpeningHours.Of(8, 16)],
        [DayOfWeek.Wednesday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Thursday] = [OpeningHours.Of(8, 12)],
    }, [new DateOnly(2026, 6, 4)]);

    public static SlaPolicy Sla { get; } = new(new SlaTarget(TimeSpan.FromHours(1), TimeSpan.FromHours(8)),
    [
        new SlaRule(2, null, new SlaTarget(TimeSpan.FromMinutes(15), TimeSpan.FromHours(4))),
        new SlaRule(null, ChannelNames.Email, new SlaTarget(TimeSpan.FromHours(4), TimeSpan.FromHours(16))),
    ]);

    public static MetricsSettings Settings() => new(Tehran, Calendar, Sla, TimeSpan.FromDays(7));

    private static ConversationHistory H(int n, Guid contact, string channel, string? category, int priority, params TimelineEntry[] timeline) =>
        new(new ConversationHeader(Id(n), contact, channel, Support, null, priority, category), timeline);

    private static TimelineEntry E(TimelineKind kind, DateTimeOffset at, Guid? agent = null) => new(kind, at, agent);

    private const TimelineKind Opened = TimelineKind.Opened, In = TimelineKind.CustomerMessage, Reply = TimelineKind.AgentReply,
        Auto = TimelineKind.AutomaticReply, Assigned = TimelineKind.Assigned, Transferred = TimelineKind.Transferred,
        Resolved = TimelineKind.Resolved, Reopened = TimelineKind.Reopened;

    /// <summary>Sara on SMS, Mon 1: a plain inquiry.</summary>
    public static readonly ConversationHistory C1 = H(1, Sara, ChannelNames.Sms, "inquiry", 0,
        E(Opened, L(1, 9, 0)), E(In, L(1, 9, 0)), E(Assigned, L(1, 9, 2), Ava), E(Reply, L(1, 9, 10), Ava), E(Resolved, L(1, 9, 40), Ava));

    /// <summary>Sara again, by email, Wed 3 (within C1's FCR window): the acknowledgement is automatic.</summary>
    public static readonly ConversationHistory C2 = H(2, Sara, ChannelNames.Email, "inquiry", 0,
        E(Opened, L(3, 10, 0)), E(In, L(3, 10, 0)), E(Auto, L(3, 10, 0, 5)), E(Assigned, L(3, 10, 30), Babak), E(Reply, L(3, 11, 0), Babak),
        E(Resolved, L(3, 15, 0), Babak));

    /// <summary>Sara a third time, on Telegram, Mon 8 (within C2's window); nobody comes back after it: provisional.</summary>
    public static readonly ConversationHistory C3 = H(3, Sara, ChannelNames.Telegram, "suggestion", 0,
        E(Opened, L(8, 9, 0)), E(In, L(8, 9, 0)), E(Assigned, L(8, 9, 5), Ava), E(Reply, L(8, 9, 20), Ava), E(Resolved, L(8, 10, 0), Ava));

    /// <summary>Reza on Telegram: resolved Mon 1, reopened by his message Tue 2, resolved again.</summary>
    public static readonly ConversationHistory C4 = H(4, Reza, ChannelNames.Telegram, null, 0,
        E(Opened, L(1, 10, 0)), E(In, L(1, 10, 0)), E(Assigned, L(1, 10, 1), Babak), E(Reply, L(1, 10, 5), Babak), E(Resolved, L(1, 10, 30), Babak),
        E(Reopened, L(2, 9, 0)), E(In, L(2, 9, 0)), E(Assigned, L(2, 9, 30), Babak), E(Reply, L(2, 9, 45), Babak), E(Resolved, L(2, 11, 0), Babak));

    /// <summary>Mina in the web chat, Tue 2: Cyrus transfers it to Ava.</summary>
    public static readonly ConversationHistory C5 = H(5, Mina, ChannelNames.WebChat, null, 0,
        E(Opened, L(2, 14, 0)), E(In, L(2, 14, 0)), E(Assigned, L(2, 14, 1), Cyrus), E(Reply, L(2, 14, 3), Cyrus),
        E(Transferred, L(2, 14, 10), Cyrus), E(Assigned, L(2, 14, 20), Ava), E(Reply, L(2, 14, 25), Ava), E(Resolved, L(2, 14, 50), Ava));

    /// <summary>Ali's complaint by email, Wed 3 15:00, across the Thu holiday and the Friday weekend, answered Sat 6.</summary>
    public static readonly ConversationHistory C6 = H(6, Ali, ChannelNames.Email, "complaint", 0,
        E(Opened, L(3, 15, 0)), E(In, L(3, 15, 0)), E(Auto, L(3, 15, 0, 10)), E(Assigned, L(3, 15, 30), Babak), E(Reply, L(6, 9, 0), Babak),
        E(Resolved, L(6, 10, 0), Babak));

    /// <summary>Neda by SMS on the holiday evening: the bot's "we are closed" is not a response; Cyrus answers Sat 6.</summary>
    public static readonly ConversationHistory C7 = H(7, Neda, ChannelNames.Sms, null, 0,
        E(Opened, L(4, 20, 0)), E(In, L(4, 20, 0)), E(Auto, L(4, 20, 0)), E(Assigned, L(6, 8, 5), Cyrus), E(Reply, L(6, 8, 10), Cyrus),
        E(Resolved, L(6, 8, 31), Cyrus));

    /// <summary>Hamed by SMS, urgent (priority 2), Mon 8: answered after 30 minutes against a 15-minute target.</summary>
    public static readonly ConversationHistory C8 = H(8, Hamed, ChannelNames.Sms, null, 2,
        E(Opened, L(8, 11, 0)), E(In, L(8, 11, 0)), E(Assigned, L(8, 11, 20), Cyrus), E(Reply, L(8, 11, 30), Cyrus), E(Resolved, L(8, 12, 0), Cyrus));

    /// <summary>Omid in the web chat, Wed 10 10:00: assigned, not answered by now.</summary>
    public static readonly ConversationHistory C9 = H(9, Omid, ChannelNames.WebChat, null, 0,
        E(Opened, L(10, 10, 0)), E(In, L(10, 10, 0)), E(Assigned, L(10, 10, 10), Ava));

    /// <summary>Leila's complaint on Telegram, Mon 1 11:00, resolved Tue 2 09:00; she never comes back.</summary>
    public static readonly ConversationHistory C10 = H(10, Leila, ChannelNames.Telegram, "complaint", 0,
        E(Opened, L(1, 11, 0)), E(In, L(1, 11, 0)), E(Assigned, L(1, 11, 30), Ava), E(Reply, L(1, 12, 0), Ava), E(Resolved, L(2, 9, 0), Ava));

    public static IReadOnlyList<ConversationHistory> All { get; } = [C1, C2, C3, C4, C5, C6, C7, C8, C9, C10];
}
