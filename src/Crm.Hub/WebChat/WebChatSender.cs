using Crm.Channels;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.WebChat;

/// <summary>
/// Sends an agent's reply to the visitor's open widgets. A visitor who is away gets it from the session
/// history when the widget opens again, so "sent" here means handed to every live connection.
/// </summary>
internal sealed class WebChatSender(IHubContext<VisitorHub, IVisitorClient> hub) : IChannelSender
{
    public string Channel => ChannelNames.WebChat;

    // The widget shows a message id once, however often it is pushed.
    public bool IsIdempotent => true;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await hub.Clients.Group(VisitorMessages.Group(message.To.Address)).MessageReceived(new VisitorMessage(
            message.MessageId, null, "outbound", message.Body, message.CreatedAt, "sent", message.SenderName));
        return SendResult.Sent(message.MessageId.ToString("N"));
    }
}
