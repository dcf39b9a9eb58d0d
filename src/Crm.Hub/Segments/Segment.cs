namespace Crm.Hub.Segments;

/// <summary>A saved audience: a named filter over contacts, evaluated in the database each time it is used.</summary>
internal sealed class Segment
{
    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The condition tree as JSON (<see cref="SegmentDefinition"/>); validated before it is stored.</summary>
    public required string Definition { get; set; }

    public Guid CreatedByAgentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
