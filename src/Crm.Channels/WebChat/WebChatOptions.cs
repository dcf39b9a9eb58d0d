using System.ComponentModel.DataAnnotations;

namespace Crm.Channels.WebChat;

/// <summary>Options of the website chat widget, section <c>Crm:Channels:WebChat</c>.</summary>
public sealed class WebChatOptions
{
    public const string Section = "Crm:Channels:WebChat";

    public bool Enabled { get; set; } = true;

    /// <summary>Origins (scheme://host[:port]) of sites allowed to embed the widget cross-origin.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    [Range(1, 100_000)]
    public int MaxMessageLength { get; set; } = 4000;

    [Range(1, 200)]
    public int MaxNameLength { get; set; } = 100;

    /// <summary>Widget sessions one client address may start per minute (an office behind one address needs headroom).</summary>
    [Range(1, 1_000_000)]
    public int SessionsPerMinute { get; set; } = 120;
}
