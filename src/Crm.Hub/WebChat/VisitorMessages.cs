using Crm.Channels;
using Crm.Hub.Conversations;

namespace Crm.Hub.WebChat;

/// <summary>A message as the widget shows it. Inbound = written by the visitor; outbound = an agent's reply.</summary>
public sealed record VisitorMessage(Guid Id, string? ClientMessageId, string Direction, string Body, DateTimeOffset CreatedAt, string Status, string? AgentName);

public sealed record VisitorSendRequest(string? ClientMessageId, string? Body);

public sealed record VisitorStatusChange(Guid MessageId, string Status);

public sealed record AgentTypingNotice(bool IsTyping, string? AgentName);

/// <summary>The widget's client methods.</summary>
public interface IVisitorClient
{
    Task MessageReceived(VisitorMessage message);
    Task MessageStatusChanged(VisitorStatusChange change);
    Task AgentTyping(AgentTypingNotice notice);
}

internal static class VisitorMessages
{
    public static string Group(Guid visitorId) => $"visitor:{visitorId:N}";

    public static string Group(string visitorAddress) => $"visitor:{visitorAddress}";

    public static string Wire(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "sent",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The widget's own id of a message it sent, recovered from the provider id ("visitor:client").</summary>
    public static string? ClientMessageId(Message m) =>
        m.Direction == MessageDirection.Inbound && m.ProviderMessageId?.Split(':') is [_, var client] && Guid.TryParseExact(client, "N", out var id)
            ? id.ToString()
            : null;

    public static VisitorMessage From(Message m, string? agentName) => new(
        m.Id, ClientMessageId(m), m.Direction == MessageDirection.Inbound ? "inbound" : "outbound", m.Body, m.CreatedAt,
        Wire(m.DeliveryStatus ?? DeliveryStatus.Sent), agentName);
}
