using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Crm.Hub.OptOut;

internal enum UnsubscribeState
{
    Confirm,
    Done,
    AlreadyDone,
    Invalid,
}

/// <summary>
/// The small page a person sees from an unsubscribe link, in English or Persian (right to left) by their browser's
/// Accept-Language. No script, no cookie: the form posts back to the same signed link.
/// </summary>
internal static class UnsubscribePage
{
    private static readonly Dictionary<string, Dictionary<UnsubscribeState, (string Title, string Text)>> Texts = new()
    {
        ["en"] = new()
        {
            [UnsubscribeState.Confirm] = ("Unsubscribe", "Stop receiving messages from us at {0}?"),
            [UnsubscribeState.Done] = ("You are unsubscribed", "We will not send further campaign messages to {0}."),
            [UnsubscribeState.AlreadyDone] = ("You are unsubscribed", "{0} was already unsubscribed. Nothing else to do."),
            [UnsubscribeState.Invalid] = ("Link not valid", "This unsubscribe link is damaged or no longer valid. Reply to our message and we will remove you."),
        },
        ["fa"] = new()
        {
            [UnsubscribeState.Confirm] = ("لغو اشتراک", "دیگر پیامی از ما به {0} ارسال نشود؟"),
            [UnsubscribeState.Done] = ("اشتراک شما لغو شد", "از این پس پیام تبلیغاتی به {0} نمی‌فرستیم."),
            [UnsubscribeState.AlreadyDone] = ("اشتراک شما لغو شده است", "اشتراک {0} پیش‌تر لغو شده بود. کار دیگری لازم نیست."),
            [UnsubscribeState.Invalid] = ("پیوند نامعتبر است", "این پیوند لغو اشتراک خراب یا نامعتبر است. به پیام ما پاسخ دهید تا شما را حذف کنیم."),
        },
    };

    private static readonly Dictionary<string, string> Button = new() { ["en"] = "Unsubscribe", ["fa"] = "لغو اشتراک" };

    /// <summary>"fa" when the browser prefers Persian over English, else "en"; <c>?lang=</c> overrides.</summary>
    public static string LanguageOf(HttpRequest request)
    {
        if (request.Query["lang"].ToString() is "fa" or "en")
        {
            return request.Query["lang"].ToString();
        }
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var languages))
        {
            return "en";
        }
        var best = languages.Where(l => l.Quality is not 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value ?? "")
            .FirstOrDefault(l => l.StartsWith("fa", StringComparison.OrdinalIgnoreCase) || l.StartsWith("en", StringComparison.OrdinalIgnoreCase));
        return best?.StartsWith("fa", StringComparison.OrdinalIgnoreCase) == true ? "fa" : "en";
    }

    /// <summary>Shows enough of an address for a person to recognise it, not enough for a forwarded mail to leak it.</summary>
    public static string Mask(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            // A fixed run of dots: the mask should not tell the name's length either.
            return address[..1] + "•••••" + address[at..];
        }
        return address.Length <= 4 ? address : new string('•', Math.Min(8, address.Length - 4)) + address[^4..];
    }

    public static IResult Render(string language, UnsubscribeState state, string? address, string action, int status = StatusCodes.Status200OK)
    {
        var (title, text) = Texts[language][state];
        var dir = language == "fa" ? "rtl" : "ltr";
        var body = string.Format(System.Globalization.CultureInfo.InvariantCulture, WebUtility.HtmlEncode(text),
            $"<bdi>{WebUtility.HtmlEncode(address ?? "")}</bdi>");
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"").Append(language).Append("\" dir=\"").Append(dir).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}")
            .Append("h1{font-size:1.4rem}button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.4rem;background:#b91c1c;color:#fff;cursor:pointer}")
            .Append("button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}</style></head><body><main>")
            .Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1><p>").Append(body).Append("</p>");
        if (state == UnsubscribeState.Confirm)
        {
            // The same field a mail client's one-click POST sends (RFC 8058), so both reach the same handler the same way.
            html.Append("<form method=\"post\" action=\"").Append(WebUtility.HtmlEncode(action)).Append("\">")
                .Append("<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">")
                .Append("<button type=\"submit\">").Append(Button[language]).Append("</button></form>");
        }
        html.Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
