using Crm.Hub.Storage;

namespace Crm.Hub.Conversations;

/// <summary>What a channel adds to an inbound message beyond the common shape.</summary>
internal sealed record IngestExtras
{
    /// <summary>
    /// The conversation the channel's own threading names (an email's In-Reply-To or signed reply address). The message joins
    /// it when it is open, or when it was resolved and the contact has no other open conversation — then it is reopened.
    /// </summary>
    public Guid? ThreadInto { get; init; }

    /// <summary>Written by a machine (an out-of-office reply): it joins its conversation but never reopens or opens one for routing.</summary>
    public bool Automatic { get; init; }

    /// <summary>What the conversation list previews and queue rules read instead of the body (an email's subject and own words).</summary>
    public string? Summary { get; init; }

    /// <summary>Runs inside the commit's transaction with the staged message: channel details, a read cursor.</summary>
    public Func<HubDbContext, Message, Task>? Stage { get; init; }
}
