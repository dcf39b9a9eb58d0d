using Crm.Hub.Metrics;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>
/// The additive part of <see cref="FactTotals"/> for the conversations opened on one local day that share one value of one
/// breakdown (<see cref="Dimension"/>: all, agent, team, queue, channel or category), kept by <see cref="FactsProjector"/> as
/// facts change (each changed fact subtracts what its old row added and adds its new row), so a year's report reads about
/// 365 × (groups + 1) rows instead of every conversation. What depends on <c>now</c> is not here but derived exactly at query
/// time from the few facts it concerns: FCR still provisional (resolved within the window) and a running SLA clock not yet
/// overdue. What depends on the FCR window (a contact's return within it) is computed with the window recorded in <see cref="RollupConfiguration.StateName"/>'s row
/// window; a report with another window reads the facts instead.
/// A row with a <see cref="FilterDimension"/> is a pair cell: the conversations with that dimension's value <see cref="FilterKey"/>
/// and <see cref="Dimension"/>'s value <see cref="Key"/> (see <see cref="RollupKeys.Cells"/>), so a report filtered by one of the
/// two and broken down by the other reads the cells of its filter value.
/// </summary>
internal sealed class ReportRollupRow
{
    /// <summary>"" for the unfiltered rows; else the pair's first dimension (before <see cref="Dimension"/> in <see cref="RollupKeys.Filters"/>).</summary>
    public string FilterDimension { get; set; } = "";

    /// <summary>The pair's first value, encoded as <see cref="Key"/> is ("" on the unfiltered rows).</summary>
    public string FilterKey { get; set; } = "";

    public required string Dimension { get; set; }

    /// <summary>The group: <c>RollupKeys.Encode</c> of the id, channel or category ("" for none; "" for the all dimension too).</summary>
    public required string Key { get; set; }
    public DateOnly OpenedDate { get; set; }

    public long Conversations { get; set; }
    public long Resolved { get; set; }
    public long ResolvedByAgents { get; set; }
    public long FirstResponses { get; set; }
    public long FirstResponseSeconds { get; set; }
    public long FirstResponseBusinessSeconds { get; set; }
    public long Assigned { get; set; }
    public long TimeToAssignSeconds { get; set; }
    public long Handled { get; set; }
    public long HandleSeconds { get; set; }
    public long ResolutionSeconds { get; set; }
    public long SameDay { get; set; }
    public long SlaMet { get; set; }

    /// <summary>A clock stored as breached.</summary>
    public long SlaBreached { get; set; }

    /// <summary>No clock breached, but a running one with a due time: breached once that time passes.</summary>
    public long SlaRunning { get; set; }

    /// <summary>Resolved, and reopened, transferred or the contact came back within the window.</summary>
    public long FcrNotFirstContact { get; set; }

    /// <summary>Resolved on first contact as far as known: final once the window after the resolution has passed, provisional before.</summary>
    public long FcrClean { get; set; }
    public long ComplaintsResolved { get; set; }
    public long ComplaintSeconds { get; set; }
    public long ComplaintBusinessSeconds { get; set; }
    public long Reopened { get; set; }
    public long Transferred { get; set; }
    public long CsatResponses { get; set; }
    public long CsatSatisfied { get; set; }
    public long NpsResponses { get; set; }
    public long NpsPromoters { get; set; }
    public long NpsDetractors { get; set; }
    public long CesResponses { get; set; }
    public long CesSum { get; set; }

    /// <summary>On the unfiltered rows: the distinct (agent, resolution day) pairs among the day's conversations of the group.</summary>
    public long AgentDays { get; set; }

    /// <summary>Adds (<paramref name="sign"/> 1) or removes (-1) one fact, its FCR judged with a window of <paramref name="window"/> seconds.</summary>
    public void Add(ConversationFact f, int sign, long window)
    {
        var resolved = f.ResolvedAt is not null;
        var breached = f.SlaFirstResponse == SlaOutcome.Breached || f.SlaResolution == SlaOutcome.Breached;
        var complaint = resolved && f.Category == Categories.Complaint;
        var notFirst = resolved && (f.ReopenCount > 0 || f.TransferCount > 0 || f.ContactReturnSeconds is { } gap && gap <= window);
        Conversations += sign;
        Resolved += resolved ? sign : 0;
        ResolvedByAgents += resolved && f.AgentId is not null ? sign : 0;
        FirstResponses += f.FirstResponseSeconds is not null ? sign : 0;
        FirstResponseSeconds += sign * (f.FirstResponseSeconds ?? 0);
        FirstResponseBusinessSeconds += sign * (f.FirstResponseBusinessSeconds ?? 0);
        Assigned += f.TimeToAssignSeconds is not null ? sign : 0;
        TimeToAssignSeconds += sign * (f.TimeToAssignSeconds ?? 0);
        Handled += f.HandleSeconds is not null ? sign : 0;
        HandleSeconds += sign * (f.HandleSeconds ?? 0);
        ResolutionSeconds += resolved ? sign * (f.ResolutionSeconds ?? 0) : 0;
        SameDay += f.SameDay == true ? sign : 0;
        SlaMet += f.SlaFirstResponse == SlaOutcome.Met && f.SlaResolution == SlaOutcome.Met ? sign : 0;
        SlaBreached += breached ? sign : 0;
        SlaRunning += !breached && ((f.SlaFirstResponse == SlaOutcome.Pending && f.FirstResponseDueAt is not null)
            || (f.SlaResolution == SlaOutcome.Pending && f.ResolutionDueAt is not null)) ? sign : 0;
        FcrNotFirstContact += notFirst ? sign : 0;
        FcrClean += resolved && !notFirst ? sign : 0;
        ComplaintsResolved += complaint ? sign : 0;
        ComplaintSeconds += complaint ? sign * (f.ResolutionSeconds ?? 0) : 0;
        ComplaintBusinessSeconds += complaint ? sign * (f.ResolutionBusinessSeconds ?? 0) : 0;
        Reopened += f.ReopenCount > 0 ? sign : 0;
        Transferred += f.TransferCount > 0 ? sign : 0;
        CsatResponses += f.SurveyKind == "csat" && f.SurveyScore is not null ? sign : 0;
        CsatSatisfied += f.SurveyKind == "csat" && f.SurveyScore >= 4 ? sign : 0;
        NpsResponses += f.SurveyKind == "nps" && f.SurveyScore is not null ? sign : 0;
        NpsPromoters += f.SurveyKind == "nps" && f.SurveyScore >= 9 ? sign : 0;
        NpsDetractors += f.SurveyKind == "nps" && f.SurveyScore <= 6 ? sign : 0;
        CesResponses += f.SurveyKind == "ces" && f.SurveyScore is not null ? sign : 0;
        CesSum += f.SurveyKind == "ces" ? sign * (f.SurveyScore ?? 0) : 0;
    }

    /// <summary>Adds another row's counters (a delta, or a row of the same group on another day).</summary>
    public void Add(ReportRollupRow o)
    {
        Conversations += o.Conversations;
        Resolved += o.Resolved;
        ResolvedByAgents += o.ResolvedByAgents;
        FirstResponses += o.FirstResponses;
        FirstResponseSeconds += o.FirstResponseSeconds;
        FirstResponseBusinessSeconds += o.FirstResponseBusinessSeconds;
        Assigned += o.Assigned;
        TimeToAssignSeconds += o.TimeToAssignSeconds;
        Handled += o.Handled;
        HandleSeconds += o.HandleSeconds;
        ResolutionSeconds += o.ResolutionSeconds;
        SameDay += o.SameDay;
        SlaMet += o.SlaMet;
        SlaBreached += o.SlaBreached;
        SlaRunning += o.SlaRunning;
        FcrNotFirstContact += o.FcrNotFirstContact;
        FcrClean += o.FcrClean;
        ComplaintsResolved += o.ComplaintsResolved;
        ComplaintSeconds += o.ComplaintSeconds;
        ComplaintBusinessSeconds += o.ComplaintBusinessSeconds;
        Reopened += o.Reopened;
        Transferred += o.Transferred;
        CsatResponses += o.CsatResponses;
        CsatSatisfied += o.CsatSatisfied;
        NpsResponses += o.NpsResponses;
        NpsPromoters += o.NpsPromoters;
        NpsDetractors += o.NpsDetractors;
        CesResponses += o.CesResponses;
        CesSum += o.CesSum;
        AgentDays += o.AgentDays;
    }

    /// <summary>
    /// The figures' totals at <c>now</c>: <paramref name="provisional"/> of the clean resolutions are still within their window and
    /// <paramref name="notYetDue"/> of the running clocks have not reached their due time (both counted from the facts).
    /// </summary>
    public FactTotals ToTotals(long provisional, long notYetDue) => new()
    {
        Conversations = (int)Conversations,
        Resolved = (int)Resolved,
        ResolvedByAgents = (int)ResolvedByAgents,
        FirstResponses = (int)FirstResponses,
        FirstResponseSeconds = FirstResponseSeconds,
        FirstResponseBusinessSeconds = FirstResponseBusinessSeconds,
        Assigned = (int)Assigned,
        TimeToAssignSeconds = TimeToAssignSeconds,
        Handled = (int)Handled,
        HandleSeconds = HandleSeconds,
        ResolutionSeconds = ResolutionSeconds,
        SameDay = (int)SameDay,
        SlaMet = (int)SlaMet,
        SlaBreached = (int)(SlaBreached + SlaRunning - notYetDue),
        FcrNotFirstContact = (int)FcrNotFirstContact,
        FcrProvisional = (int)provisional,
        FcrFirstContact = (int)(FcrClean - provisional),
        ComplaintsResolved = (int)ComplaintsResolved,
        ComplaintSeconds = ComplaintSeconds,
        ComplaintBusinessSeconds = ComplaintBusinessSeconds,
        Reopened = (int)Reopened,
        Transferred = (int)Transferred,
        CsatResponses = (int)CsatResponses,
        CsatSatisfied = (int)CsatSatisfied,
        NpsResponses = (int)NpsResponses,
        NpsPromoters = (int)NpsPromoters,
        NpsDetractors = (int)NpsDetractors,
        CesResponses = (int)CesResponses,
        CesSum = CesSum,
    };
}

/// <summary>
/// For one breakdown group and one resolution day, how many agents resolved conversations of the group that day whose opening
/// days span <see cref="FirstOpened"/>..<see cref="LastOpened"/>: enough to count exactly the distinct (agent, day) pairs of a
/// period (a pair counts when one of its conversations opened in the period; only a pair opened both before and after the
/// period needs its facts read).
/// </summary>
internal sealed class ReportAgentDayRow
{
    /// <summary>As <see cref="ReportRollupRow.FilterDimension"/>: "" or the first dimension of a pair cell.</summary>
    public string FilterDimension { get; set; } = "";
    public string FilterKey { get; set; } = "";
    public required string Dimension { get; set; }
    public required string Key { get; set; }
    public DateOnly ResolvedDate { get; set; }
    public DateOnly FirstOpened { get; set; }
    public DateOnly LastOpened { get; set; }
    public long Agents { get; set; }
}

internal static class RollupKeys
{
    public const string All = "all";
    public static readonly string[] Dimensions = [All, "agent", "team", "queue", "channel", "category"];

    /// <summary>
    /// The dimensions a report filters on, in the order pair cells are stored: the pair (a, b) once, under filter dimension a and
    /// dimension b with a before b, serves a filter on a broken down by b and a filter on b broken down by a.
    /// </summary>
    public static readonly string[] Filters = ["agent", "team", "queue", "channel", "category"];

    /// <summary>One rollup group: unfiltered (<see cref="FilterDimension"/> "") or a pair of two dimensions' values.</summary>
    public readonly record struct Cell(string FilterDimension, string FilterKey, string Dimension, string Key);

    /// <summary>
    /// The cells a conversation adds to (<paramref name="keyOf"/> gives its key in each dimension): the all cell, one per dimension,
    /// one per pair of filter dimensions (1 + 5 + 10). <paramref name="filterDimension"/> narrows them to one filter dimension's
    /// ("" for the unfiltered cells), as the rebuild computes them a slice at a time.
    /// </summary>
    public static List<Cell> Cells(Func<string, string> keyOf, string? filterDimension = null)
    {
        var keys = new string[Filters.Length];
        for (var i = 0; i < Filters.Length; i++)
        {
            keys[i] = keyOf(Filters[i]);
        }
        var cells = new List<Cell>(16);
        if (filterDimension is null or "")
        {
            cells.Add(new Cell("", "", All, ""));
            for (var i = 0; i < Filters.Length; i++)
            {
                cells.Add(new Cell("", "", Filters[i], keys[i]));
            }
        }
        for (var i = 0; i < Filters.Length; i++)
        {
            if (filterDimension is null || filterDimension == Filters[i])
            {
                for (var j = i + 1; j < Filters.Length; j++)
                {
                    cells.Add(new Cell(Filters[i], keys[i], Filters[j], keys[j]));
                }
            }
        }
        return cells;
    }

    /// <summary>Whether the pair (filter dimension <paramref name="filter"/>, dimension <paramref name="dimension"/>) is stored that way round.</summary>
    public static bool StoredAsFilter(string filter, string dimension) => Array.IndexOf(Filters, filter) < Array.IndexOf(Filters, dimension);

    /// <summary>A report's one filter as (dimension, encoded key): (all, "") when it has none, null when it has more than one.</summary>
    public static (string Dimension, string Key)? FilterOf(ReportsApi.ReportFilter filter)
    {
        var set = new List<(string, string)>(1);
        if (filter.AgentId is { } agent)
        {
            set.Add(("agent", Encode(agent)));
        }
        if (filter.TeamId is { } team)
        {
            set.Add(("team", Encode(team)));
        }
        if (filter.QueueId is { } queue)
        {
            set.Add(("queue", Encode(queue)));
        }
        if (filter.Channel is { } channel)
        {
            set.Add(("channel", Encode(channel)));
        }
        if (filter.Category is { } category)
        {
            set.Add(("category", Encode(category)));
        }
        return set.Count switch
        {
            0 => (All, ""),
            1 => set[0],
            _ => null,
        };
    }

    /// <summary>"" for none, "=" and the value otherwise (so an empty category is not taken for none).</summary>
    public static string Encode(string? value) => value is null ? "" : "=" + value;

    public static string Encode(Guid? value) => value is { } id ? "=" + id.ToString() : "";

    public static string? Decode(string key) => key.Length == 0 ? null : key[1..];

    public static string Of(ConversationFact f, string dimension) => dimension switch
    {
        All => "",
        "agent" => Encode(f.AgentId),
        "team" => Encode(f.TeamId),
        "queue" => Encode(f.QueueId),
        "channel" => Encode(f.Channel),
        _ => Encode(f.Category),
    };
}

internal static class RollupConfiguration
{
    /// <summary>
    /// The <see cref="ProjectionCursor"/> whose <c>Seq</c> is <see cref="Stamp"/> of the FCR window (seconds) the rollup was built
    /// with; absent until it is built.
    /// </summary>
    public const string StateName = "report-rollup";

    /// <summary>The rollup's layout: 1 had no pair cells (its stamp was the bare window); 2 keeps them. A rollup of another layout is rebuilt.</summary>
    public const long Version = 2;

    /// <summary>What the state row holds for a rollup of this layout built with an FCR window of <paramref name="window"/> seconds.</summary>
    public static long Stamp(long window) => (Version << 40) | window;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReportRollupRow>(e =>
        {
            e.HasKey(r => new { r.FilterDimension, r.FilterKey, r.Dimension, r.OpenedDate, r.Key });
            // A pair read the other way round: a filter on the dimension's value, broken down by the filter dimension.
            e.HasIndex(r => new { r.Dimension, r.Key, r.FilterDimension, r.OpenedDate });
            e.Property(r => r.FilterDimension).HasMaxLength(16);
            e.Property(r => r.FilterKey).HasMaxLength(80);
            e.Property(r => r.Dimension).HasMaxLength(16);
            e.Property(r => r.Key).HasMaxLength(80);
        });
        modelBuilder.Entity<ReportAgentDayRow>(e =>
        {
            e.HasKey(r => new { r.FilterDimension, r.FilterKey, r.Dimension, r.ResolvedDate, r.Key, r.FirstOpened, r.LastOpened });
            e.HasIndex(r => new { r.FilterDimension, r.FilterKey, r.Dimension, r.LastOpened });
            e.HasIndex(r => new { r.Dimension, r.Key, r.FilterDimension, r.LastOpened });
            e.Property(r => r.FilterDimension).HasMaxLength(16);
            e.Property(r => r.FilterKey).HasMaxLength(80);
            e.Property(r => r.Dimension).HasMaxLength(16);
            e.Property(r => r.Key).HasMaxLength(80);
        });
    }
}
