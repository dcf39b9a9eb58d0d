namespace Crm.Hub.Hosting;

/// <summary>Section <c>Crm</c>: settings that belong to the hub as a whole.</summary>
internal sealed class HubOptions
{
    /// <summary>The public URL providers call; webhook signatures are computed over it, not over Kestrel's own URL.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>The public URL of a path on this hub, e.g. a webhook.</summary>
    public string Url(string pathAndQuery) => PublicBaseUrl.TrimEnd('/') + pathAndQuery;

    public static bool IsValidBaseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query);
}
