namespace Crm.Routing.Waiting;

internal enum ConversationStatus
{
    Untracked,
    Queued,
    Offered,
    Assigned,
}
