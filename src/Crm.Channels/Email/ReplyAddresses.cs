using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Channels.Email;

/// <summary>
/// Signed plus-addresses on the support mailbox: <c>support+c12.ab12cd34@domain</c> as the Reply-To of conversation 12,
/// and <c>support+b{message}.{mac}@domain</c> as the envelope sender (VERP), so a bounce names the message it is about.
/// The MAC keeps a guessed or mistyped address from threading mail into someone else's conversation.
/// </summary>
public sealed class ReplyAddresses(string localPart, string domain, byte[] key)
{
    private const int MacLength = 8;

    public string ForConversation(long number) => Address("c" + number.ToString(CultureInfo.InvariantCulture));

    public string ForBounces(Guid messageId) => Address("b" + messageId.ToString("N"));

    /// <summary>The conversation number a reply address carries, when it is ours and its MAC is right.</summary>
    public long? ConversationOf(string address) =>
        Token(address, 'c') is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>The outbound message a bounce address carries, when it is ours and its MAC is right.</summary>
    public Guid? BouncedMessageOf(string address) =>
        Token(address, 'b') is { } value && Guid.TryParseExact(value, "N", out var id) ? id : null;

    private string Address(string token) => $"{localPart}+{token}.{Mac(token)}@{domain}";

    private string? Token(string address, char kind)
    {
        var at = address.LastIndexOf('@');
        if (at < 0 || !address[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var local = address[..at];
        var prefix = localPart + "+" + kind;
        if (!local.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var dot = local.LastIndexOf('.');
        if (dot <= prefix.Length)
        {
            return null;
        }
        var token = kind + local[prefix.Length..dot];
        var mac = local[(dot + 1)..];
        var expected = Mac(token);
        // Mail systems may lower-case the local part; the MAC is hex, so compare case-insensitively in constant time.
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected))
            ? token[1..]
            : null;
    }

    private string Mac(string token)
    {
        var hash = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(token.ToLowerInvariant()));
        return Convert.ToHexStringLower(hash)[..MacLength];
    }
}
