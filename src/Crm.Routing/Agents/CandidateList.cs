namespace Crm.Routing.Agents;

/// <summary>
/// The candidates a pool pick looked at, for the decision record: the chosen agent, the runner-up, and the first few that a
/// filter excluded (a crowded pool would otherwise list thousands). Small and allocated only when a pick happens.
/// </summary>
internal sealed class CandidateList
{
    public const int MaxExcluded = 5;

    private readonly List<Candidate> _items = new(4);
    private int _excluded;

    public IReadOnlyList<Candidate> Items => _items;

    /// <summary>Adds the agent of a pool entry: its load, idle time and (in a skill's pool) level as the entry ranked it.</summary>
    public void Add(PoolEntry entry, CandidateVerdict verdict, SkillKey? skill) =>
        _items.Add(new Candidate(entry.AgentId, verdict, entry.Load, new DateTimeOffset(entry.Rank.IdleSinceUtcTicks, TimeSpan.Zero),
            skill is null ? null : entry.Proficiency));

    public void Excluded(PoolEntry entry, CandidateVerdict verdict, SkillKey? skill)
    {
        if (++_excluded <= MaxExcluded)
        {
            Add(entry, verdict, skill);
        }
    }
}
