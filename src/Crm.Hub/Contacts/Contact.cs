namespace Crm.Hub.Contacts;

/// <summary>A customer: one person across every channel they use.</summary>
internal sealed class Contact
{
    public Guid Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The sticky owner routing prefers: the last agent who handled the contact.</summary>
    public Guid? ResponsibleAgentId { get; set; }

    /// <summary>Set when this contact was merged into another; it is hidden until the merge is undone.</summary>
    public Guid? MergedIntoId { get; set; }

    public List<ChannelIdentity> Identities { get; set; } = [];
}
