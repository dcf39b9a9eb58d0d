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

    public void Add(TrackedAgent agent, CandidateVerdict verdict, SkillKey? skill) =>
        _items.Add(new Candidate(agent.Id, verdict, agent.Load, new DateTimeOffset(agent.IdleSince.UtcTicks, TimeSpan.Zero),
            skill is null ? null : agent.ProficiencyIn(skill)));

    public void Excluded(TrackedAgent agent, CandidateVerdict verdict, SkillKey? skill)
    {
        if (++_excluded <= MaxExcluded)
        {
            Add(agent, verdict, skill);
        }
    }
}
