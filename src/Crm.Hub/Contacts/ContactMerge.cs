namespace Crm.Hub.Contacts;

/// <summary>
/// An audited merge of one contact into another. <see cref="Snapshot"/> holds what undo needs to put
/// every moved identity and conversation back and restore the survivor's fields.
/// </summary>
internal sealed class ContactMerge
{
    public Guid Id { get; set; }
    public Guid SurvivorContactId { get; set; }
    public Guid MergedContactId { get; set; }

    /// <summary>Why: "agent", or the automatic evidence, e.g. "same phone number on sms and fax".</summary>
    public required string Reason { get; set; }

    /// <summary>JSON: moved identity ids, moved conversation ids, survivor fields before the merge.</summary>
    public required string Snapshot { get; set; }

    public Guid? MergedByAgentId { get; set; }
    public DateTimeOffset MergedAt { get; set; }
    public DateTimeOffset? UndoneAt { get; set; }
    public Guid? UndoneByAgentId { get; set; }
}
