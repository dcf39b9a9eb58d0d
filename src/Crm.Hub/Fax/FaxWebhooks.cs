using Crm.Channels;
using Crm.Channels.Fax;
using Crm.Hub.Attachments;
using Crm.Hub.Conversations;
using Crm.Hub.Hosting;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Fax;

/// <summary>Phaxio's calls into the hub: received faxes (with the PDF) and progress of sent ones, signed with the callback token.</summary>
internal static class FaxWebhooks
{
    public const string Path = "/webhooks/fax/phaxio";

    /// <summary>The largest callback read: a received fax's PDF (the attachment store has its own, usually lower, limit) plus the fields.</summary>
    public const long MaxBodyBytes = 40 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFaxWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithFormOptions(multipartBodyLengthLimit: MaxBodyBytes).WithTags("Webhooks")
            .WithSummary("Phaxio fax callback (multipart, X-Phaxio-Signature): received faxes and sent-fax status.");
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptionsMonitor<FaxOptions> options, IOptions<HubOptions> hub,
        IngestPipeline ingest, HubDbContext db, AttachmentStore attachments, IFaxGateway gateway, StaffBroadcaster broadcaster, TimeProvider time,
        CancellationToken ct)
    {
        var fax = options.CurrentValue;
        if (!fax.IsConfigured)
        {
            return TypedResults.Problem(title: "Fax is off", detail: "This hub has no fax channel configured (Crm:Channels:Fax).",
                statusCode: StatusCodes.Status404NotFound);
        }
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Form expected", detail: "Phaxio callbacks are multipart/form-data POSTs.",
                statusCode: StatusCodes.Status400BadRequest);
        }
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(title: "Callback too large", detail: $"Fax callbacks are read up to {MaxBodyBytes / (1024 * 1024)} MB.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return TypedResults.Problem(title: "Malformed form", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        var fields = form.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var file in form.Files)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            files.Add(new(file.Name, buffer.ToArray()));
        }
        var url = hub.Value.Url(http.Request.Path + http.Request.QueryString);
        if (!PhaxioSignature.IsValid(url, fields, files, http.Request.Headers["X-Phaxio-Signature"], fax.CallbackToken!))
        {
            return TypedResults.Problem(title: "Invalid signature",
                detail: $"X-Phaxio-Signature does not match a callback to {url} signed with the configured callback token.",
                statusCode: StatusCodes.Status403Forbidden);
        }
        var pdf = files.FirstOrDefault(f => f.Key == "file").Value;
        var parsed = PhaxioWebhook.Parse(fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value), pdf, time.GetUtcNow());
        return parsed.Value switch
        {
            FaxReceived received => await ReceivedAsync(received, fax, ingest, db, attachments, gateway, ct),
            FaxStatusChanged changed => await StatusAsync(changed, db, broadcaster, time, ct),
            _ => TypedResults.Problem(title: "Not a Phaxio fax callback", detail: parsed.Error, statusCode: StatusCodes.Status400BadRequest),
        };
    }

    private static async Task<IResult> ReceivedAsync(FaxReceived received, FaxOptions fax, IngestPipeline ingest, HubDbContext db,
        AttachmentStore attachments, IFaxGateway gateway, CancellationToken ct)
    {
        if (await db.Messages.AnyAsync(m => m.Channel == ChannelNames.Fax && m.ProviderMessageId == received.ProviderFaxId, ct))
        {
            return TypedResults.Ok();
        }
        // The callback normally carries the PDF; when it does not, fetch it now — provider copies expire.
        var pdf = received.Pdf ?? await gateway.DownloadAsync(received.ProviderFaxId, ct);
        var stored = new List<InboundAttachment>();
        var pages = received.Pages;
        if (pdf is { Length: > 0 })
        {
            try
            {
                pages = PdfPages.Count(pdf) ?? pages;
                stored.Add(await attachments.SaveAsync(pdf, $"fax-{received.ProviderFaxId}.pdf", "application/pdf", ct) with { Pages = pages });
            }
            catch (AttachmentTooLargeException ex)
            {
                return TypedResults.Problem(title: "Fax too large", detail: ex.Message, statusCode: StatusCodes.Status413PayloadTooLarge);
            }
        }
        var body = pdf is { Length: > 0 }
            ? $"Fax, {pages?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} page{(pages == 1 ? "" : "s")}"
            : "Fax received; the provider did not provide the document.";
        // Committed before Phaxio hears 200; its retries of the same fax id are then duplicates.
        await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Fax, fax.From!, received.From), received.ProviderFaxId, body,
            received.ReceivedAt, Attachments: stored), ct);
        return TypedResults.Ok();
    }

    private static async Task<IResult> StatusAsync(FaxStatusChanged changed, HubDbContext db, StaffBroadcaster broadcaster, TimeProvider time,
        CancellationToken ct)
    {
        await DeliveryUpdates.ApplyAsync(db, broadcaster, ChannelNames.Fax, changed.ProviderFaxId, changed.Status, changed.Error, time.GetUtcNow(), ct);
        return TypedResults.Ok();
    }
}
