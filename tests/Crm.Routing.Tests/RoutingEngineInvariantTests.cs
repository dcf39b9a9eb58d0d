using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

/// <summary>
/// Thousands of random events; after each one the decision stream, replayed into an independent model,
/// must agree with the engine and keep the promises of DESIGN.md §6.
/// </summary>
public sealed class RoutingEngineInvariantTests
{
    private const int Agents = 12;
    private const int Conversations = 60;
    private const int Teams = 3;
    private static readonly string[] Channels = [WebChat, Sms];
    private static readonly string[] Skills = ["billing", "persian", "vip"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2025)]
    public void RandomEventsNeverBreakCapacityOwnershipOrQueueInvariants(int seed)
    {
        var random = new Random(seed);
        var h = new RoutingHarness(new RoutingOptions { OfferTimeout = TimeSpan.FromSeconds(20), StickyWait = TimeSpan.FromSeconds(45) });
        var model = new RoutingModel(h);

        for (var step = 0; step < 4_000; step++)
        {
            if (random.Next(4) == 0)
            {
                h.Time.Advance(TimeSpan.FromSeconds(random.Next(1, 15)));
            }

            // The Hub ticks at NextDeadline; the model has to see deadline decisions apart from the event's own.
            var routingEvent = h.Engine.NextDeadline <= h.Now ? new Tick() : NextEvent(random, h, model);
            var heldBefore = model.HeldCounts();
            model.Before(routingEvent);

            var decisions = h.Apply(routingEvent);

            model.Replay(routingEvent, decisions, step);
            model.AssertAgreesWithEngine(step);
            model.AssertCapacityRespected(heldBefore, step);
            model.AssertNoEligibleAgentIdlesWhileConversationWaits(step);
        }

        Assert.True(model.Offers > 100, $"only {model.Offers} offers: the generator does not exercise routing");
        Assert.True(model.Expiries > 10, $"only {model.Expiries} expiries");
        Assert.True(model.AwaySettings > 0, "the decline limit never set anyone away: the generator does not exercise it");
        Assert.True(model.Overflows > 10 && model.RiskAlerts > 10 && model.Escalations > 10,
            $"{model.Overflows} overflows, {model.RiskAlerts} SLA alerts, {model.Escalations} escalations: the generator does not exercise the ladder");
    }

    /// <summary>One or two overflow rungs to random teams and skills, the second after the first.</summary>
    private static OverflowStep[] Ladder(Random random)
    {
        var first = TimeSpan.FromSeconds(random.Next(20, 120));
        OverflowStep Step(TimeSpan after, int n) => new(
            after,
            $"overflow {n}",
            random.Next(2) == 0 ? TeamId(random.Next(Teams)) : null,
            random.Next(3) == 0 ? Skills[random.Next(Skills.Length)] : null,
            random.Next(1, 4),
            random.Next(2) == 0 ? random.Next(3) : null);
        return random.Next(2) == 0 ? [Step(first, 1)] : [Step(first, 1), Step(first + TimeSpan.FromSeconds(random.Next(1, 120)), 2)];
    }

    internal static RoutingEvent NextEvent(Random random, RoutingHarness h, RoutingModel model)
    {
        var agent = AgentId(random.Next(Agents));
        var conversation = ConversationId(random.Next(Conversations));
        switch (random.Next(100))
        {
            case < 10:
                var capacity = Channels.Where(_ => random.Next(4) > 0).ToDictionary(c => c, _ => random.Next(0, 4));
                var teams = Enumerable.Range(0, Teams).Where(_ => random.Next(3) == 0).Select(TeamId).ToArray();
                var presence = random.Next(10) < 7 ? AgentPresence.Online : (AgentPresence)random.Next(2);
                var skills = Skills.Where(_ => random.Next(3) == 0).ToDictionary(s => s, _ => random.Next(1, 6));
                // A third of agents share weighted units across channels, sometimes with SMS shutting out chats.
                var profile = random.Next(3) == 0
                    ? new CapacityProfile(
                        random.Next(1, 7),
                        Channels.ToDictionary(c => c, _ => random.Next(1, 4)),
                        random.Next(2) == 0 ? new Dictionary<string, IReadOnlyCollection<string>> { [Sms] = [WebChat] } : null)
                    : null;
                return new AgentUpserted(agent, presence, capacity, teams, AutoAccept: random.Next(5) == 0, skills, profile);
            case < 22:
                return new AgentPresenceChanged(agent, random.Next(3) == 0 ? (AgentPresence)random.Next(2) : AgentPresence.Online);
            case < 24:
                return new AgentRemoved(agent);
            case < 50:
                return new ConversationWaiting(
                    conversation,
                    Channels[random.Next(Channels.Length)],
                    random.Next(3),
                    h.Now - TimeSpan.FromSeconds(random.Next(0, 60)),
                    random.Next(3) == 0 ? TeamId(random.Next(Teams)) : null,
                    random.Next(3) == 0 ? AgentId(random.Next(Agents)) : null,
                    random.Next(20) == 0 ? AgentId(random.Next(Agents)) : null,
                    random.Next(3) == 0 ? h.Now + TimeSpan.FromSeconds(random.Next(0, 300)) : null,
                    random.Next(3) == 0 ? Skills[random.Next(Skills.Length)] : null,
                    random.Next(1, 5),
                    random.Next(3) == 0 ? Ladder(random) : null,
                    random.Next(4) == 0 ? TimeSpan.FromSeconds(random.Next(1, 240)) : null);
            case < 54 when model.AgentWithRoom(random) is { } roomy:
                return new ConversationAssigned(conversation, roomy.Channel, roomy.AgentId);
            case < 70:
                var (acceptConversation, acceptAgent) = model.SomeOffer(random) ?? (conversation, agent);
                return new OfferAccepted(acceptConversation, random.Next(5) == 0 ? agent : acceptAgent);
            case < 80:
                var (declineConversation, declineAgent) = model.SomeOffer(random) ?? (conversation, agent);
                return new OfferDeclined(declineConversation, random.Next(5) == 0 ? agent : declineAgent);
            case < 92:
                return new ConversationClosed(conversation);
            case < 95:
                return new AgentActivity(agent);
            default:
                return new Tick();
        }
    }
}
