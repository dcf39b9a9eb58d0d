using System.Text.Json;
using System.Threading.Channels;
using Crm.Hub.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Realtime;

/// <summary>
/// Pushes events to every connected console (agents, supervisors, admins). Callers only queue: one pump sends,
/// so a console whose connection stalls slows the pump, never the ingest writer or the routing loop.
/// </summary>
internal sealed partial class StaffBroadcaster(
    IHubContext<AgentHub, IAgentClient> hub, Supervision.BoardFeed board, TimeProvider time, ILogger<StaffBroadcaster> logger)
    : BackgroundService
{
    public const string StaffGroup = "staff";

    /// <summary>Beyond this many unsent events the oldest are dropped; consoles fetch what they missed from /api/v1/sync.</summary>
    public const int MaxQueued = 50_000;

    private readonly Channel<HubEvent> _queue = Channel.CreateBounded<HubEvent>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues committed events for every console and for the supervisor board, in seq order.</summary>
    public void Publish(IEnumerable<ConversationEvent> committed)
    {
        var events = committed.OrderBy(e => e.Seq).ToList();
        foreach (var e in events)
        {
            _queue.Writer.TryWrite(ToHubEvent(e));
        }
        board.Post(new Supervision.CommittedEvents(events));
    }

    /// <summary>Queues an event that is not stored (typing, presence): a console that misses it loses nothing that matters.</summary>
    public void PublishTransient(string type, Guid? conversationId, object data) =>
        _queue.Writer.TryWrite(new HubEvent(0, type, conversationId, time.GetUtcNow(), JsonSerializer.SerializeToElement(data, WireJson.Options)));

    public static HubEvent ToHubEvent(ConversationEvent e) =>
        new(e.Seq, e.ClientMethod, e.ConversationId, e.At, WireJson.Element(e.Data));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAsync(e);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(HubEvent e)
    {
        var clients = hub.Clients.Group(StaffGroup);
        try
        {
            await (e.Type switch
            {
                StaffEvents.ConversationUpdated => clients.ConversationUpdated(e),
                StaffEvents.MessageAdded => clients.MessageAdded(e),
                StaffEvents.MessageStatusChanged => clients.MessageStatusChanged(e),
                StaffEvents.MessageUpdated => clients.MessageUpdated(e),
                StaffEvents.OfferReceived => clients.OfferReceived(e),
                StaffEvents.OfferWithdrawn => clients.OfferWithdrawn(e),
                StaffEvents.VisitorTyping => clients.VisitorTyping(e),
                StaffEvents.PresenceChanged => clients.PresenceChanged(e),
                StaffEvents.RoutingDecision => clients.RoutingDecision(e),
                StaffEvents.SupervisorAlert => clients.SupervisorAlert(e),
                StaffEvents.SurveyAnswered => clients.SurveyAnswered(e),
                StaffEvents.ReminderDue => clients.ReminderDue(e),
                StaffEvents.CampaignProgress => clients.CampaignProgress(e),
                _ => Task.CompletedTask,
            });
        }
        catch (Exception ex)
        {
            // The event is committed; consoles catch up through /api/v1/sync.
            LogPushFailed(logger, ex, e.Type, e.Seq);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Push of {Type} seq {Seq} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex, string type, long seq);
}
