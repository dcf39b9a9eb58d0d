namespace Crm.Hub.Metrics;

/// <summary>What the live board remembers of each conversation between changes.</summary>
internal sealed partial class LiveMetrics
{
    private sealed class TrackedConversation
    {
        public TrackedConversation(ConversationHeader header, DateTimeOffset openedAt)
        {
            Header = header;
            OpenedAt = openedAt;
            First = new OpenEpisode(openedAt);
            Episode = First;
            WaitingSince = openedAt;
        }

        public ConversationHeader Header { get; set; }
        public DateTimeOffset OpenedAt { get; }
        public OpenEpisode? Episode { get; set; }
        public OpenEpisode First { get; }
        public ContactEpisode? FirstClosed { get; set; }
        public DateTimeOffset? WaitingSince { get; set; }
        public DateTimeOffset? ResolvedAt { get; set; }
        public bool Reopened { get; set; }
        public bool Transferred { get; set; }
        public FcrStatus Fcr { get; set; }
        public DateOnly? FcrDay { get; set; }
    }

    private sealed class OpenEpisode(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public DateTimeOffset? CustomerWroteAt { get; set; }
        public DateTimeOffset? FirstResponseAt { get; set; }
        public DateTimeOffset? AcceptedAt { get; set; }

        public ContactEpisode Close(DateTimeOffset resolvedAt, Guid? by) => new(Start, CustomerWroteAt, FirstResponseAt, AcceptedAt, resolvedAt, by);
    }
}
