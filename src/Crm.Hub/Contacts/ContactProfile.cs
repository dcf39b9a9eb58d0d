namespace Crm.Hub.Contacts;

/// <summary>A label on a contact ("vip", "newsletter"); segments filter on it, so it is a row with an index, not a list in a string.</summary>
internal sealed class ContactTag
{
    public Guid ContactId { get; set; }
    public required string Tag { get; set; }
}

/// <summary>A custom field of a contact ("plan" = "gold"), from an import column or set by an agent.</summary>
internal sealed class ContactAttribute
{
    public Guid ContactId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}

/// <summary>
/// Whether the contact agreed to marketing on a channel, when and how we learned it. Absent means never asked:
/// campaigns treat that as no consent. Opting out of a channel altogether is on the identity (<see cref="ChannelIdentity.OptedOutAt"/>).
/// </summary>
internal sealed class ContactConsent
{
    public Guid ContactId { get; set; }
    public required string Channel { get; set; }
    public bool Granted { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Where it came from: "agent", "import", "api"...</summary>
    public required string Source { get; set; }
}
