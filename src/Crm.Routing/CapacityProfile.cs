namespace Crm.Routing;

/// <summary>
/// Capacity in weighted units across channels, on top of the per-channel limits: a fax or a long email thread can cost more
/// than a chat, so an agent holding one takes fewer chats. <paramref name="UnitsPerConversation"/> gives each channel's cost
/// (1 when missing). <paramref name="Blocks"/> says which channels a held conversation shuts out entirely — e.g. fax →
/// [webchat]: while the agent works a fax, no chats are offered to them.
/// </summary>
public sealed record CapacityProfile(
    int Units,
    IReadOnlyDictionary<string, int> UnitsPerConversation,
    IReadOnlyDictionary<string, IReadOnlyCollection<string>>? Blocks = null)
{
    public int CostOf(string channel) => UnitsPerConversation.TryGetValue(channel, out var cost) && cost > 0 ? cost : 1;

    /// <summary>True when a conversation held on <paramref name="held"/> keeps the agent from taking <paramref name="wanted"/>.</summary>
    public bool Shuts(string held, string wanted) =>
        Blocks is not null && Blocks.TryGetValue(held, out var blocked) && blocked.Contains(wanted);
}
