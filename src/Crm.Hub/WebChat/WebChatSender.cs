using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.WebChat;

/// <summary>
/// Sends an agent's reply to the visitor's open widgets. A visitor who is away gets it from the session
/// history when the widget opens again, so "sent" here means handed to every live connection.
/// </summary>
internal sealed class WebChatSender(IHubContext<VisitorHub, IVisitorClient> hub, IServiceScopeFactory scopes, TimeProvider time) : IChannelSender
{
    public string Channel => ChannelNames.WebChat;

    // The widget shows a message id once, however often it is pushed.
    public bool IsIdempotent => true;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // An automatic message (no agent) may be a survey question, which the widget shows with its buttons.
        VisitorSurvey? survey = null;
        if (message.SenderName is null && message.Files.Count == 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            survey = await db.SurveyRequests.AsNoTracking().Where(s => s.MessageId == message.MessageId).FirstOrDefaultAsync(cancellationToken) is { } s
                ? VisitorMessages.Survey(s, time.GetUtcNow())
                : null;
        }
        await hub.Clients.Group(VisitorMessages.Group(message.To.Address)).MessageReceived(new VisitorMessage(
            message.MessageId, null, "outbound", message.Body, message.CreatedAt, "sent", message.SenderName) { Survey = survey });
        return SendResult.Sent(message.MessageId.ToString("N"));
    }
}
