using MimeKit;

namespace Crm.Channels.Email;

/// <summary>One recipient's line of a delivery status notification (RFC 3464 §2.3).</summary>
public sealed record RecipientReport(string Recipient, string Action, string? Status, string? Diagnostic, string? RemoteMta)
{
    /// <summary>Delivery failed for good (5.x.x): the address should not be written to again.</summary>
    public bool IsHardBounce => Action.Equals("failed", StringComparison.OrdinalIgnoreCase) && (Status?.StartsWith('5') ?? true);

    public bool IsFailure => Action.Equals("failed", StringComparison.OrdinalIgnoreCase);

    /// <summary>What to tell an agent: the status code and the remote server's words.</summary>
    public string Reason => string.Join(" ", new[] { Status, Diagnostic }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>A bounce or delay report, with what it says about which of our messages.</summary>
public sealed record DeliveryReport(string? OriginalMessageId, string? OriginalEnvelopeId, string? ReportingMta, IReadOnlyList<RecipientReport> Recipients);

/// <summary>Reads delivery status notifications: the standard <c>multipart/report</c> kind and the common non-standard ones.</summary>
public static class DeliveryReports
{
    /// <summary>The report, or null when the message is not a bounce.</summary>
    public static DeliveryReport? Read(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body is MultipartReport report && string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return ReadStandard(report);
        }
        // Non-standard bounces (qmail, some Exchange set-ups): only X-Failed-Recipients says who.
        if (message.Headers["X-Failed-Recipients"] is { } failed)
        {
            var recipients = failed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(r => new RecipientReport(r, "failed", null, FirstLine(message.TextBody), null)).ToList();
            return new DeliveryReport(OriginalMessageIdIn(message.BodyParts.OfType<MessagePart>().FirstOrDefault()), null, null, recipients);
        }
        return null;
    }

    private static DeliveryReport ReadStandard(MultipartReport report)
    {
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var groups = status?.StatusGroups.ToList() ?? [];
        var perMessage = groups.FirstOrDefault();
        var recipients = groups.Skip(1).Select(g => new RecipientReport(
            Recipient: AddressOf(g["Final-Recipient"] ?? g["Original-Recipient"]) ?? "",
            Action: g["Action"]?.Trim() ?? "failed",
            Status: g["Status"]?.Trim(),
            Diagnostic: Unfold(Typed(g["Diagnostic-Code"])),
            RemoteMta: Typed(g["Remote-MTA"]))).Where(r => r.Recipient.Length > 0).ToList();
        var original = report.OfType<MessagePart>().FirstOrDefault();
        return new DeliveryReport(OriginalMessageIdIn(original), perMessage?["Original-Envelope-Id"]?.Trim(), Typed(perMessage?["Reporting-MTA"]), recipients);
    }

    private static string? OriginalMessageIdIn(MessagePart? part) =>
        part?.Message?.MessageId is { Length: > 0 } id ? id : null;

    /// <summary>"rfc822; someone@example.com" → "someone@example.com".</summary>
    private static string? AddressOf(string? typed) => Typed(typed)?.Trim('<', '>');

    private static string? Typed(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? value[(semicolon + 1)..] : value).Trim();
    }

    /// <summary>One line: folding (CRLF plus spaces or tabs, however the MTA indented) becomes a single space.</summary>
    private static string? Unfold(string? value) =>
        value is null ? null : string.Join(' ', value.Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string? FirstLine(string? text) => text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
