namespace Crm.Routing;

public sealed record RoutingOptions
{
    /// <summary>How long an agent has to accept an offer before it goes to the next agent.</summary>
    public TimeSpan OfferTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a conversation waits for its busy (online but full) responsible agent, counted from
    /// <see cref="ConversationWaiting.WaitingSince"/>, before any eligible agent may take it.
    /// </summary>
    public TimeSpan StickyWait { get; init; } = TimeSpan.FromSeconds(60);
}
