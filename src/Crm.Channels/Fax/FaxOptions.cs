namespace Crm.Channels.Fax;

/// <summary>Options of the fax channel, section <c>Crm:Channels:Fax</c>. Unconfigured means the hub has no fax.</summary>
public sealed class FaxOptions
{
    public const string Section = "Crm:Channels:Fax";

    public string Provider { get; set; } = "Phaxio";

    public string? ApiKey { get; set; }

    public string? ApiSecret { get; set; }

    /// <summary>Phaxio's webhook token: the key of <c>X-Phaxio-Signature</c>.</summary>
    public string? CallbackToken { get; set; }

    /// <summary>The business fax number (E.164); inbound faxes carry it as their account id.</summary>
    public string? From { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.phaxio.com";

    /// <summary>Printed at the top of every page the fax machine prints (at most 50 characters).</summary>
    public string? HeaderText { get; set; }

    /// <summary>The business name on the cover page of faxed replies.</summary>
    public string BusinessName { get; set; } = "Crm.Hub";

    public PaperSize PaperSize { get; set; } = PaperSize.A4;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret) && !string.IsNullOrWhiteSpace(CallbackToken)
        && !string.IsNullOrWhiteSpace(From);
}

public enum PaperSize
{
    A4,
    Letter,
}
