using Crm.Hub.Supervision;
using Crm.Routing;

namespace Crm.Hub.Tests.Supervision;

/// <summary>The presence timeline an agent's changes make over a period (GET /api/v1/agents/{id}/presence).</summary>
public sealed class PresenceTimelineTests
{
    private static readonly Guid Agent = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly DateTimeOffset From = new(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);

    private static AgentPresenceChange Change(AgentPresence presence, int minutes) =>
        new() { Id = Guid.NewGuid(), AgentId = Agent, Presence = presence, At = From.AddMinutes(minutes) };

    [Fact]
    public void StretchesRunBetweenChangesCarryingInThePresenceBeforeThePeriod()
    {
        var timeline = SupervisorApi.Timeline(Agent, From, From.AddHours(2), AgentPresence.Online,
            [Change(AgentPresence.Away, 30), Change(AgentPresence.Away, 40), Change(AgentPresence.Online, 45), Change(AgentPresence.Offline, 100)]);

        Assert.Equal(
            [("online", 0, 30), ("away", 30, 45), ("online", 45, 100), ("offline", 100, 120)],
            timeline.Spans.Select(s => (s.Presence, (int)(s.From - From).TotalMinutes, (int)(s.To - From).TotalMinutes)));
        Assert.Equal(85 * 60, timeline.Totals["online"]);
        Assert.Equal(15 * 60, timeline.Totals["away"]);
        Assert.Equal(20 * 60, timeline.Totals["offline"]);
    }

    [Fact]
    public void AnAgentWithNoHistoryIsOfflineForTheWholePeriod()
    {
        var timeline = SupervisorApi.Timeline(Agent, From, From.AddHours(1), null, []);

        var span = Assert.Single(timeline.Spans);
        Assert.Equal(("offline", 3600.0), (span.Presence, span.Seconds));
    }

    [Fact]
    public void AChangeAtTheStartOfThePeriodReplacesTheCarriedInPresence()
    {
        var timeline = SupervisorApi.Timeline(Agent, From, From.AddMinutes(10), AgentPresence.Offline, [Change(AgentPresence.Online, 0)]);

        Assert.Equal([("online", 600.0)], timeline.Spans.Select(s => (s.Presence, s.Seconds)));
    }
}
