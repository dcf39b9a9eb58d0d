using Microsoft.Extensions.Time.Testing;

namespace Crm.Routing.Tests;

/// <summary>An engine on a fake clock, with readable ids and short ways to send the common events.</summary>
internal sealed class RoutingHarness
{
    public const string WebChat = "webchat";
    public const string Sms = "sms";

    public static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public RoutingHarness(RoutingOptions? options = null)
    {
        Options = options ?? new RoutingOptions();
        Engine = new RoutingEngine(Options, Time);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public RoutingOptions Options { get; }

    public RoutingEngine Engine { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static Guid AgentId(int n) => new($"00000000-0000-0000-0000-a{n:D11}");

    public static Guid ConversationId(int n) => new($"00000000-0000-0000-0000-c{n:D11}");

    public static Guid TeamId(int n) => new($"00000000-0000-0000-0000-e{n:D11}");

    public IReadOnlyList<RoutingDecision> Apply(RoutingEvent routingEvent) => Engine.Apply(routingEvent);

    public Guid Agent(
        int n,
        int webchat = 3,
        int sms = 0,
        AgentPresence presence = AgentPresence.Online,
        bool autoAccept = false,
        params Guid[] teams)
    {
        Upsert(n, webchat, sms, presence, autoAccept, teams);
        return AgentId(n);
    }

    public IReadOnlyList<RoutingDecision> Upsert(
        int n,
        int webchat = 3,
        int sms = 0,
        AgentPresence presence = AgentPresence.Online,
        bool autoAccept = false,
        params Guid[] teams)
    {
        var capacity = new Dictionary<string, int> { [WebChat] = webchat };
        if (sms > 0)
        {
            capacity[Sms] = sms;
        }

        return Apply(new AgentUpserted(AgentId(n), presence, capacity, teams, autoAccept));
    }

    public IReadOnlyList<RoutingDecision> Wait(
        int conversation,
        int priority = 0,
        Guid? team = null,
        Guid? responsible = null,
        Guid? target = null,
        DateTimeOffset? since = null,
        string channel = WebChat) =>
        Apply(new ConversationWaiting(ConversationId(conversation), channel, priority, since ?? Now, team, responsible, target));

    public void Restore(int conversation, Guid agent, string channel = WebChat) =>
        Assert.Empty(Apply(new ConversationAssigned(ConversationId(conversation), channel, agent)));

    public IReadOnlyList<RoutingDecision> Accept(int conversation, Guid agent) =>
        Apply(new OfferAccepted(ConversationId(conversation), agent));

    public IReadOnlyList<RoutingDecision> Decline(int conversation, Guid agent) =>
        Apply(new OfferDeclined(ConversationId(conversation), agent));

    public IReadOnlyList<RoutingDecision> Close(int conversation) => Apply(new ConversationClosed(ConversationId(conversation)));

    public IReadOnlyList<RoutingDecision> Presence(Guid agent, AgentPresence presence) =>
        Apply(new AgentPresenceChanged(agent, presence));

    public IReadOnlyList<RoutingDecision> AdvanceAndTick(TimeSpan by)
    {
        Time.Advance(by);
        return Apply(new Tick());
    }

    public int ActiveOf(Guid agent) => Engine.GetAgentLoad(agent)!.Active;
}
