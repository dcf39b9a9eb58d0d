namespace Crm.Hub.Contacts;

/// <summary>One address of a contact on one channel (a visitor id, an E.164 number, an email address...).</summary>
internal sealed class ChannelIdentity
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }
    public Contact? Contact { get; set; }
    public required string Channel { get; set; }
    public required string AccountId { get; set; }
    public required string Address { get; set; }

    /// <summary>The address as the provider gave it, when normalizing changed it (e.g. a national phone number).</summary>
    public string? RawAddress { get; set; }

    /// <summary>When the customer proved the address is theirs (e.g. shared their own number on Telegram).</summary>
    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset? OptedOutAt { get; set; }

    /// <summary>When mail to the address bounced for good (a hard bounce); replies there are refused until the customer writes again.</summary>
    public DateTimeOffset? UndeliverableAt { get; set; }

    public string? UndeliverableReason { get; set; }
    /// <summary>
    /// How the address became known: null when the customer used it on the channel, <see cref="IdentitySources.Import"/> when
    /// the business imported it (a contact list) and the customer may never have written from it.
    /// </summary>
    public string? Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

internal static class IdentitySources
{
    public const string Import = "import";
}
