using System.Security.Cryptography;
using System.Text;

namespace Crm.Channels.Sms;

/// <summary>The <c>X-Twilio-Signature</c> of a webhook request.</summary>
public static class TwilioSignature
{
    /// <summary>
    /// Base64 HMAC-SHA1, keyed with the auth token, of the URL followed by each parameter's key and value,
    /// keys sorted ordinally; a repeated key's values are sorted and de-duplicated.
    /// </summary>
    public static string Compute(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrEmpty(authToken);

        // Sorted and de-duplicated as twilio-node and twilio-python do; twilio-csharp's comma-join differs from Twilio's.
        var byKey = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            if (key is null)
            {
                continue;
            }
            if (!byKey.TryGetValue(key, out var values))
            {
                values = new SortedSet<string>(StringComparer.Ordinal);
                byKey.Add(key, values);
            }
            values.Add(value ?? "");
        }

        var data = new StringBuilder(url);
        foreach (var (key, values) in byKey)
        {
            foreach (var value in values)
            {
                data.Append(key).Append(value);
            }
        }

#pragma warning disable CA5350 // HMAC-SHA1 is what Twilio signs with; the choice is not ours.
        var hash = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// True when <paramref name="signature"/> signs the request, compared in constant time. The URL is tried as given,
    /// with its default port stripped and with <c>:443</c>/<c>:80</c> added, since Twilio signs either form.
    /// </summary>
    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature, string authToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var materialized = parameters.ToList();
        var expected = Encoding.UTF8.GetBytes(signature);
        var valid = false;
        foreach (var candidate in PortVariants(url))
        {
            var actual = Encoding.UTF8.GetBytes(Compute(candidate, materialized, authToken));
            valid |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        return valid;
    }

    /// <summary>The URL as given plus its other default-port spelling; string surgery keeps host and scheme casing intact.</summary>
    internal static IEnumerable<string> PortVariants(string url)
    {
        yield return url;

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            yield break;
        }
        var defaultPort = url[..schemeEnd].ToUpperInvariant() switch
        {
            "HTTPS" => "443",
            "HTTP" => "80",
            _ => null,
        };
        if (defaultPort is null)
        {
            yield break;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }
        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1;
        var colon = authority.LastIndexOf(':');
        var hasPort = colon >= hostStart && colon > authority.LastIndexOf(']');

        if (!hasPort)
        {
            yield return string.Concat(url.AsSpan(0, authorityEnd), ":", defaultPort, url.AsSpan(authorityEnd));
        }
        else if (authority[(colon + 1)..] == defaultPort)
        {
            yield return string.Concat(url.AsSpan(0, authorityStart + colon), url.AsSpan(authorityEnd));
        }
    }
}
