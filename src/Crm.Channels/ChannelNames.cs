namespace Crm.Channels;

/// <summary>The channel keys stored on identities, conversations and messages.</summary>
public static class ChannelNames
{
    public const string WebChat = "webchat";
    public const string Sms = "sms";
    public const string Email = "email";
    public const string Fax = "fax";
    public const string Telegram = "telegram";

    public static IReadOnlyList<string> All { get; } = [WebChat, Sms, Email, Fax, Telegram];

    public static bool IsKnown(string channel) => All.Contains(channel);
}
