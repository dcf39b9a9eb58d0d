using System.Security.Cryptography;
using System.Text;
using Crm.Channels.Telegram;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Telegram;

/// <summary>Telegram's calls into the hub in webhook mode, authenticated by the secret token set with setWebhook.</summary>
internal static class TelegramWebhook
{
    public const string Path = "/webhooks/telegram";
    private const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery().WithTags("Webhooks")
            .WithSummary("Telegram Bot API update (JSON, X-Telegram-Bot-Api-Secret-Token).");
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptionsMonitor<TelegramOptions> options, TelegramUpdateHandler handler,
        CancellationToken ct)
    {
        var telegram = options.CurrentValue;
        if (!telegram.IsConfigured || !TelegramOptions.IsValidSecret(telegram.WebhookSecret))
        {
            return TypedResults.Problem(title: "Telegram webhook is off",
                detail: "This hub has no Telegram bot with a webhook secret (Crm:Channels:Telegram).", statusCode: StatusCodes.Status404NotFound);
        }
        if (!SecretMatches(http.Request.Headers["X-Telegram-Bot-Api-Secret-Token"], telegram.WebhookSecret!))
        {
            return TypedResults.Problem(title: "Invalid secret token",
                detail: "X-Telegram-Bot-Api-Secret-Token does not match the configured webhook secret.", statusCode: StatusCodes.Status403Forbidden);
        }
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return TypedResults.Problem(title: "Update too large", detail: $"Telegram updates are under {MaxBodyBytes / 1024} kB.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        if (body.Length > MaxBodyBytes)
        {
            return TypedResults.Problem(title: "Update too large", detail: $"Telegram updates are under {MaxBodyBytes / 1024} kB.",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var parsed = TelegramUpdateParser.Parse(body.GetBuffer().AsSpan(0, (int)body.Length), telegram.BotId);
        if (parsed.Value is not { } update)
        {
            return TypedResults.Problem(title: "Not a Telegram update", detail: parsed.Error, statusCode: StatusCodes.Status400BadRequest);
        }
        // Committed before Telegram hears 200; a redelivery is then a duplicate.
        await handler.HandleAsync(update, ct);
        return TypedResults.Ok();
    }

    private static bool SecretMatches(string? given, string expected) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
