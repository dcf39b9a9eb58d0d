using System.Security.Cryptography;
using System.Text;

namespace Crm.Channels.Fax;

/// <summary>
/// <c>X-Phaxio-Signature</c>: hex HMAC-SHA1 keyed with the webhook token over the callback URL, then every
/// non-file field as name+value sorted by name, then every file part as name + hex SHA-1 of its bytes sorted by name.
/// </summary>
public static class PhaxioSignature
{
    public static string Compute(string url, IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<KeyValuePair<string, byte[]>> files, string token)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(token);
        var data = new StringBuilder(url);
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
#pragma warning disable CA5350 // SHA-1 and HMAC-SHA1 are Phaxio's signature algorithm, not our choice.
        foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(Convert.ToHexStringLower(SHA1.HashData(bytes)));
        }
        return Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>
    /// True when <paramref name="signature"/> signs the callback, compared in constant time; the URL is tried with and
    /// without its default port, as for Twilio, since what the provider was given may spell it either way.
    /// </summary>
    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<KeyValuePair<string, byte[]>> files,
        string? signature, string token)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }
        var given = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        var fieldList = fields.ToList();
        var fileList = files.ToList();
        var valid = false;
        foreach (var candidate in Sms.TwilioSignature.PortVariants(url))
        {
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(candidate, fieldList, fileList, token)), given);
        }
        return valid;
    }
}
