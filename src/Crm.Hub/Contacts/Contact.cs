namespace Crm.Hub.Contacts;

/// <summary>A customer: one person across every channel they use.</summary>
internal sealed class Contact
{
    public Guid Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }

    /// <summary>
    /// E.164, only ever from strong evidence: the number the contact texts or faxes from, or one it proved is its own
    /// (<see cref="ContactLinker"/>) — never what a customer typed — because ingest links new SMS and fax senders on it.
    /// </summary>
    public string? Phone { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The sticky owner routing prefers: the last agent who handled the contact.</summary>
    public Guid? ResponsibleAgentId { get; set; }

    /// <summary>Set when this contact was merged into another; it is hidden until the merge is undone.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>IANA time zone ("Asia/Tehran"), for quiet hours; null when unknown.</summary>
    public string? TimeZone { get; set; }

    /// <summary>"en" or "fa": the language messages to the contact are written in.</summary>
    public string? Locale { get; set; }

    public List<ChannelIdentity> Identities { get; set; } = [];
    public List<ContactTag> Tags { get; set; } = [];
    public List<ContactAttribute> Attributes { get; set; } = [];
    public List<ContactConsent> Consents { get; set; } = [];
}
