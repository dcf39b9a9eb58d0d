using System.Text.Json;

namespace Crm.Hub.Realtime;

/// <summary>
/// The envelope of everything pushed to consoles. Persisted events have <c>Seq</c> &gt; 0 and can be fetched
/// again from <c>GET /api/v1/sync?since=</c>; transient ones (typing, presence) have <c>Seq</c> = 0.
/// </summary>
public sealed record HubEvent(long Seq, string Type, Guid? ConversationId, DateTimeOffset At, JsonElement Data);

/// <summary>The console's client methods; the names are the <c>type</c> of <see cref="HubEvent"/>.</summary>
public interface IAgentClient
{
    Task ConversationUpdated(HubEvent e);
    Task MessageAdded(HubEvent e);
    Task MessageStatusChanged(HubEvent e);

    /// <summary>A message changed after it was added (the customer edited it): the whole message again.</summary>
    Task MessageUpdated(HubEvent e);
    Task OfferReceived(HubEvent e);
    Task OfferWithdrawn(HubEvent e);
    Task VisitorTyping(HubEvent e);
    Task PresenceChanged(HubEvent e);

    /// <summary>A routing decision with its reason, for supervisors' "why this agent".</summary>
    Task RoutingDecision(HubEvent e);

    /// <summary>A conversation needs a supervisor: its SLA is at risk, or nobody took it within its queue's alert wait.</summary>
    Task SupervisorAlert(HubEvent e);
    /// <summary>A contact import's progress and counts, to the user who started it (transient).</summary>
    Task ContactImportProgress(HubEvent e);

    /// <summary>A customer answered (or commented on) a conversation's survey.</summary>
    Task SurveyAnswered(HubEvent e);
    /// <summary>A follow-up reminder is due (persisted): the console of the agent who set it shows a notice linking the conversation.</summary>
    Task ReminderDue(HubEvent e);
    /// <summary>A campaign's counters and state (transient, at most a few a second per campaign).</summary>
    Task CampaignProgress(HubEvent e);
}

internal static class StaffEvents
{
    public const string ConversationUpdated = nameof(IAgentClient.ConversationUpdated);
    public const string MessageAdded = nameof(IAgentClient.MessageAdded);
    public const string MessageStatusChanged = nameof(IAgentClient.MessageStatusChanged);
    public const string MessageUpdated = nameof(IAgentClient.MessageUpdated);
    public const string OfferReceived = nameof(IAgentClient.OfferReceived);
    public const string OfferWithdrawn = nameof(IAgentClient.OfferWithdrawn);
    public const string VisitorTyping = nameof(IAgentClient.VisitorTyping);
    public const string PresenceChanged = nameof(IAgentClient.PresenceChanged);
    public const string RoutingDecision = nameof(IAgentClient.RoutingDecision);
    public const string SupervisorAlert = nameof(IAgentClient.SupervisorAlert);
    public const string SurveyAnswered = nameof(IAgentClient.SurveyAnswered);
    public const string ReminderDue = nameof(IAgentClient.ReminderDue);
    public const string CampaignProgress = nameof(IAgentClient.CampaignProgress);
}
