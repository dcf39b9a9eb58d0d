namespace Crm.Routing.Tests;

internal static class DecisionAssertions
{
    public static RoutingDecision Single(this IReadOnlyList<RoutingDecision> decisions, DecisionKind kind, Guid? agent = null)
    {
        var decision = Assert.Single(decisions);
        return decision.Is(kind, agent);
    }

    public static RoutingDecision Is(this RoutingDecision decision, DecisionKind kind, Guid? agent = null)
    {
        Assert.Equal(kind, decision.Kind);
        if (agent is not null)
        {
            Assert.Equal(agent, decision.AgentId);
        }

        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        return decision;
    }

    public static void Kinds(this IReadOnlyList<RoutingDecision> decisions, params DecisionKind[] kinds) =>
        Assert.Equal(kinds, decisions.Select(d => d.Kind));
}
