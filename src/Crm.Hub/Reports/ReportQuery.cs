using System.Linq.Expressions;
using Crm.Hub.Metrics;

namespace Crm.Hub.Reports;

/// <summary>
/// The report's aggregate as one GROUP BY over <see cref="ConversationFact"/>: conditional counts and sums the database
/// computes, so no row leaves it. <c>now</c> and the FCR window are parameters: FCR provisional/final and an overdue SLA clock
/// are decided at query time from stored instants and gaps, so old rows need no rewrite as time passes.
/// </summary>
internal static class ReportQuery
{
    public static IQueryable<KeyedTotals<TKey>> Totals<TKey>(IQueryable<ConversationFact> facts, Expression<Func<ConversationFact, TKey>> key,
        DateTimeOffset now, TimeSpan fcrWindow)
    {
        var window = (long)fcrWindow.TotalSeconds;
        var cutoff = now - fcrWindow;
        const string complaint = Categories.Complaint;
        return facts.GroupBy(key).Select(g => new KeyedTotals<TKey>
        {
            Key = g.Key,
            Totals = new FactTotals
            {
                Conversations = g.Count(),
                Resolved = g.Count(f => f.ResolvedAt != null),
                ResolvedByAgents = g.Count(f => f.ResolvedAt != null && f.AgentId != null),
                FirstResponses = g.Count(f => f.FirstResponseSeconds != null),
                FirstResponseSeconds = g.Sum(f => f.FirstResponseSeconds),
                FirstResponseBusinessSeconds = g.Sum(f => f.FirstResponseBusinessSeconds),
                Assigned = g.Count(f => f.TimeToAssignSeconds != null),
                TimeToAssignSeconds = g.Sum(f => f.TimeToAssignSeconds),
                Handled = g.Count(f => f.HandleSeconds != null),
                HandleSeconds = g.Sum(f => f.HandleSeconds),
                ResolutionSeconds = g.Sum(f => f.ResolvedAt != null ? f.ResolutionSeconds : null),
                SameDay = g.Count(f => f.SameDay == true),
                SlaMet = g.Count(f => f.SlaFirstResponse == SlaOutcome.Met && f.SlaResolution == SlaOutcome.Met),
                SlaBreached = g.Count(f => f.SlaFirstResponse == SlaOutcome.Breached || f.SlaResolution == SlaOutcome.Breached
                    || (f.SlaFirstResponse == SlaOutcome.Pending && f.FirstResponseDueAt < now)
                    || (f.SlaResolution == SlaOutcome.Pending && f.ResolutionDueAt < now)),
                FcrNotFirstContact = g.Count(f => f.ResolvedAt != null
                    && (f.ReopenCount > 0 || f.TransferCount > 0 || (f.ContactReturnSeconds != null && f.ContactReturnSeconds <= window))),
                FcrProvisional = g.Count(f => f.ResolvedAt != null && f.ReopenCount == 0 && f.TransferCount == 0
                    && (f.ContactReturnSeconds == null || f.ContactReturnSeconds > window) && f.ResolvedAt >= cutoff),
                FcrFirstContact = g.Count(f => f.ResolvedAt != null && f.ReopenCount == 0 && f.TransferCount == 0
                    && (f.ContactReturnSeconds == null || f.ContactReturnSeconds > window) && f.ResolvedAt < cutoff),
                ComplaintsResolved = g.Count(f => f.Category == complaint && f.ResolvedAt != null),
                ComplaintSeconds = g.Sum(f => f.Category == complaint && f.ResolvedAt != null ? f.ResolutionSeconds : null),
                ComplaintBusinessSeconds = g.Sum(f => f.Category == complaint && f.ResolvedAt != null ? f.ResolutionBusinessSeconds : null),
                Reopened = g.Count(f => f.ReopenCount > 0),
                Transferred = g.Count(f => f.TransferCount > 0),
                CsatResponses = g.Count(f => f.SurveyKind == "csat" && f.SurveyScore != null),
                CsatSatisfied = g.Count(f => f.SurveyKind == "csat" && f.SurveyScore >= 4),
                NpsResponses = g.Count(f => f.SurveyKind == "nps" && f.SurveyScore != null),
                NpsPromoters = g.Count(f => f.SurveyKind == "nps" && f.SurveyScore >= 9),
                NpsDetractors = g.Count(f => f.SurveyKind == "nps" && f.SurveyScore <= 6),
                CesResponses = g.Count(f => f.SurveyKind == "ces" && f.SurveyScore != null),
                CesSum = g.Sum(f => f.SurveyKind == "ces" ? (long?)f.SurveyScore : null),
            },
        });
    }

    /// <summary>Per group, the number of distinct (agent, day) pairs with a resolution: the denominator of contacts per agent per day.</summary>
    public static IQueryable<KeyedCount<TKey>> AgentDays<TKey>(IQueryable<ConversationFact> facts, Expression<Func<ConversationFact, TKey>> key)
    {
        var param = key.Parameters[0];
        var pair = Expression.Lambda<Func<ConversationFact, AgentDay<TKey>>>(
            Expression.MemberInit(Expression.New(typeof(AgentDay<TKey>)),
                Expression.Bind(typeof(AgentDay<TKey>).GetProperty(nameof(AgentDay<TKey>.Key))!, key.Body),
                Expression.Bind(typeof(AgentDay<TKey>).GetProperty(nameof(AgentDay<TKey>.AgentId))!, Expression.Property(param, nameof(ConversationFact.AgentId))),
                Expression.Bind(typeof(AgentDay<TKey>).GetProperty(nameof(AgentDay<TKey>.Day))!, Expression.Property(param, nameof(ConversationFact.ResolvedDate)))),
            param);
        return facts.Where(f => f.ResolvedAt != null && f.AgentId != null).Select(pair).Distinct()
            .GroupBy(p => p.Key).Select(g => new KeyedCount<TKey> { Key = g.Key, Count = g.Count() });
    }
}

internal sealed class AgentDay<TKey>
{
    public TKey Key { get; init; } = default!;
    public Guid? AgentId { get; init; }
    public DateOnly? Day { get; init; }
}

internal sealed class KeyedCount<TKey>
{
    public required TKey Key { get; init; }
    public int Count { get; init; }
}
