using System.Globalization;
using System.Text.Json;
using Crm.Channels.Sms;

namespace Crm.Channels.Fax;

/// <summary>
/// Phaxio's multipart callbacks: <c>direction</c> (sent|received), <c>event_type</c>, <c>success</c>, <c>is_test</c> and
/// <c>fax</c> (the Fax object as JSON); a received fax adds its PDF as the <c>file</c> part. Pure; never throws on input.
/// </summary>
public static class PhaxioWebhook
{
    public static WebhookParse<FaxEvent> Parse(IReadOnlyDictionary<string, string> fields, byte[]? pdf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (!fields.TryGetValue("fax", out var faxJson) || string.IsNullOrWhiteSpace(faxJson))
        {
            return WebhookParse.Fail<FaxEvent>("The 'fax' field (the Fax object as JSON) is missing.");
        }
        JsonElement fax;
        try
        {
            using var document = JsonDocument.Parse(faxJson);
            fax = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return WebhookParse.Fail<FaxEvent>($"The 'fax' field is not JSON: {ex.Message}");
        }
        if (fax.ValueKind != JsonValueKind.Object)
        {
            return WebhookParse.Fail<FaxEvent>("The 'fax' field is not a JSON object.");
        }
        if (Scalar(fax, "id") is not { Length: > 0 } id)
        {
            return WebhookParse.Fail<FaxEvent>("The Fax object has no id.");
        }
        var direction = fields.TryGetValue("direction", out var d) && d.Length > 0 ? d : Scalar(fax, "direction");
        var pages = int.TryParse(Scalar(fax, "num_pages"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : (int?)null;
        switch (direction)
        {
            case "received":
                var from = Scalar(fax, "from_number") ?? Scalar(fax, "caller_id");
                if (string.IsNullOrWhiteSpace(from))
                {
                    // Caller id can be withheld; the fax still arrives, from an unknown sender.
                    from = "unknown";
                }
                var to = Scalar(fax, "to_number") ?? "";
                var at = Scalar(fax, "completed_at") is { } completed && DateTimeOffset.TryParse(completed, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : now;
                return WebhookParse.Ok<FaxEvent>(new FaxReceived(id, from, to, pages, at, pdf));
            case "sent":
                var status = Scalar(fax, "status");
                if (Map(status) is not { } mapped)
                {
                    return WebhookParse.Fail<FaxEvent>($"Unknown fax status '{status}'.");
                }
                return WebhookParse.Ok<FaxEvent>(new FaxStatusChanged(id, mapped, pages, mapped == DeliveryStatus.Failed ? Error(fax) : null));
            default:
                return WebhookParse.Fail<FaxEvent>($"Unknown direction '{direction}' (expected sent or received).");
        }
    }

    /// <summary>
    /// Phaxio's statuses to ours: queued/pendingbatch are still with the provider (sent to it, not yet dialled),
    /// inprogress is being transmitted (still "sent"), success is delivered, failure and partialsuccess are failed.
    /// </summary>
    public static DeliveryStatus? Map(string? status) => status switch
    {
        "queued" or "pendingbatch" or "inprogress" or "ringing" or "callactive" => DeliveryStatus.Sent,
        "success" => DeliveryStatus.Delivered,
        "failure" or "partialsuccess" or "canceled" or "cancelled" => DeliveryStatus.Failed,
        _ => null,
    };

    /// <summary>The provider's reason: the fax's own error, else the first failed recipient's.</summary>
    private static string Error(JsonElement fax)
    {
        var message = Scalar(fax, "error_message");
        var type = Scalar(fax, "error_type");
        if (message is null && fax.TryGetProperty("recipients", out var recipients) && recipients.ValueKind == JsonValueKind.Array)
        {
            foreach (var recipient in recipients.EnumerateArray())
            {
                if (recipient.ValueKind == JsonValueKind.Object && Scalar(recipient, "error_message") is { } m)
                {
                    message = m;
                    type = Scalar(recipient, "error_type");
                    break;
                }
            }
        }
        return string.Join(": ", new[] { type, message ?? "the fax failed" }.Where(s => !string.IsNullOrWhiteSpace(s)));
    }

    private static string? Scalar(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;
}
