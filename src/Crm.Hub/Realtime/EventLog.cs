using Crm.Hub.Conversations;
using Crm.Hub.Storage;

namespace Crm.Hub.Realtime;

/// <summary>Stages events in the caller's unit of work, so an event exists exactly when its change was committed.</summary>
internal static class EventLog
{
    public static ConversationEvent Append(this HubDbContext db, string kind, string clientMethod, Guid? conversationId,
        Guid? agentId, object data, DateTimeOffset at)
    {
        var e = new ConversationEvent
        {
            Kind = kind,
            ClientMethod = clientMethod,
            ConversationId = conversationId,
            AgentId = agentId,
            Data = WireJson.Serialize(data),
            At = at,
        };
        db.Events.Add(e);
        return e;
    }
}
