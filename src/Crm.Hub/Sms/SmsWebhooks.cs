using Crm.Channels;
using Crm.Channels.Sms;
using Crm.Hub.Attachments;
using Crm.Hub.Conversations;
using Crm.Hub.Hosting;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Sms;

/// <summary>Twilio's calls into the hub: inbound messages and delivery status, both signed with the auth token.</summary>
internal static class SmsWebhooks
{
    public const string InboundPath = "/webhooks/sms/twilio";
    public const string StatusPath = "/webhooks/sms/twilio/status";

    /// <summary>An empty TwiML answer: the message is taken, no automatic reply.</summary>
    private const string EmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(InboundPath, InboundAsync).AllowAnonymous().DisableAntiforgery().WithTags("Webhooks")
            .WithSummary("Twilio inbound SMS/MMS webhook (form POST, X-Twilio-Signature).");
        routes.MapPost(StatusPath, StatusAsync).AllowAnonymous().DisableAntiforgery().WithTags("Webhooks")
            .WithSummary("Twilio message status callback (form POST, X-Twilio-Signature).");
        return routes;
    }

    private static async Task<IResult> InboundAsync(HttpContext http, IOptionsMonitor<SmsOptions> sms, IOptions<HubOptions> hub,
        IngestPipeline ingest, HubDbContext db, ISmsGateway gateway, AttachmentStore attachments, ILoggerFactory loggers, TimeProvider time,
        CancellationToken ct)
    {
        var (form, refused) = await ReadSignedFormAsync(http, sms.CurrentValue, hub.Value, ct);
        if (refused is not null)
        {
            return refused;
        }
        var parsed = TwilioWebhook.ParseInbound(form!, time.GetUtcNow());
        if (parsed.Value is not { } inbound)
        {
            return TypedResults.Problem(title: "Not a Twilio inbound message", detail: parsed.Error, statusCode: StatusCodes.Status400BadRequest);
        }

        // A retry of a message we already hold needs neither its media fetched again nor a second row.
        var known = inbound.Media.Count > 0 && await db.Messages.AnyAsync(
            m => m.Channel == ChannelNames.Sms && m.ProviderMessageId == inbound.Message.ProviderMessageId, ct);
        var message = known ? inbound.Message : await SmsMedia.AttachAsync(inbound, gateway, attachments, loggers.CreateLogger(typeof(SmsMedia)), ct);

        // Committed before Twilio hears 200; a retry of the same MessageSid is then a duplicate.
        await ingest.IngestAsync(message, ct);
        if (inbound.Keyword is SmsKeyword.Stop or SmsKeyword.Start)
        {
            var from = inbound.Message.From;
            DateTimeOffset? optedOut = inbound.Keyword == SmsKeyword.Stop ? time.GetUtcNow() : null;
            await db.ChannelIdentities
                .Where(i => i.Channel == from.Channel && i.AccountId == from.AccountId && i.Address == from.Address)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.OptedOutAt, i => optedOut), ct);
        }
        return TypedResults.Text(EmptyTwiml, "text/xml");
    }

    private static async Task<IResult> StatusAsync(HttpContext http, IOptionsMonitor<SmsOptions> sms, IOptions<HubOptions> hub,
        HubDbContext db, StaffBroadcaster broadcaster, TimeProvider time, CancellationToken ct)
    {
        var (form, refused) = await ReadSignedFormAsync(http, sms.CurrentValue, hub.Value, ct);
        if (refused is not null)
        {
            return refused;
        }
        var parsed = TwilioWebhook.ParseStatus(form!);
        if (parsed.Value is not { } status)
        {
            return TypedResults.Problem(title: "Not a Twilio status callback", detail: parsed.Error, statusCode: StatusCodes.Status400BadRequest);
        }
        await DeliveryUpdates.ApplyAsync(db, broadcaster, ChannelNames.Sms, status.MessageSid, status.Status,
            $"{status.ErrorCode}: {status.ErrorMessage}".Trim(' ', ':'), time.GetUtcNow(), ct);
        return TypedResults.Ok();
    }

    /// <summary>The form, when SMS is on, the body is a form and the signature over our public URL is Twilio's.</summary>
    private static async Task<(List<KeyValuePair<string, string>>? Form, IResult? Refused)> ReadSignedFormAsync(
        HttpContext http, SmsOptions sms, HubOptions hub, CancellationToken ct)
    {
        if (!sms.IsConfigured)
        {
            return (null, TypedResults.Problem(title: "SMS is off", detail: "This hub has no SMS channel configured (Crm:Channels:Sms).",
                statusCode: StatusCodes.Status404NotFound));
        }
        if (!http.Request.HasFormContentType)
        {
            return (null, TypedResults.Problem(title: "Form expected",
                detail: "Twilio webhooks are application/x-www-form-urlencoded POSTs.", statusCode: StatusCodes.Status400BadRequest));
        }
        IFormCollection collection;
        try
        {
            collection = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return (null, TypedResults.Problem(title: "Malformed form", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest));
        }
        var form = collection.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        var url = hub.Url(http.Request.Path + http.Request.QueryString);
        if (!TwilioSignature.IsValid(url, form, http.Request.Headers["X-Twilio-Signature"], sms.AuthToken!))
        {
            return (null, TypedResults.Problem(title: "Invalid signature",
                detail: $"X-Twilio-Signature does not match a request to {url} signed with the configured auth token.",
                statusCode: StatusCodes.Status403Forbidden));
        }
        return (form, null);
    }
}
