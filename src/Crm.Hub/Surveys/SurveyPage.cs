using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Surveys;

/// <summary>
/// The small page an email survey's links open, in the survey's language (en, or fa right to left). GET only shows the question
/// with the linked score chosen — mail scanners open every link — and the page's POST records the answer.
/// </summary>
internal static class SurveyPage
{
    public static IEndpointRouteBuilder MapSurveyPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(SurveyLinks.PathPrefix + "{token}", ShowAsync).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost(SurveyLinks.PathPrefix + "{token}", AnswerAsync).AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> ShowAsync(string token, int? score, SurveyLinks links, HubDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!links.TryRead(token, out var id) || await db.SurveyRequests.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } survey)
        {
            return Page("en", Text("en").Invalid, null, StatusCodes.Status404NotFound);
        }
        var t = Text(survey.Locale);
        if (survey.State == SurveyState.Answered)
        {
            return Page(survey.Locale, string.Format(CultureInfo.InvariantCulture, t.Already, survey.Score), null);
        }
        if (!survey.IsOpenAt(time.GetUtcNow()))
        {
            return Page(survey.Locale, t.Closed, null, StatusCodes.Status410Gone);
        }
        return Page(survey.Locale, t.Question(survey.Kind), Form(survey, score, t));
    }

    private static async Task<IResult> AnswerAsync(string token, HttpRequest request, SurveyLinks links, HubDbContext db, StaffBroadcaster broadcaster,
        IOptionsMonitor<SurveyOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!links.TryRead(token, out var id) || await db.SurveyRequests.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } survey)
        {
            return Page("en", Text("en").Invalid, null, StatusCodes.Status404NotFound);
        }
        var t = Text(survey.Locale);
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        if (form is null || !int.TryParse(form["score"], NumberStyles.None, CultureInfo.InvariantCulture, out var score)
            || score < survey.Kind.Min() || score > survey.Kind.Max())
        {
            return Page(survey.Locale, t.PickOne, Form(survey, null, t), StatusCodes.Status400BadRequest);
        }
        var comment = form["comment"].ToString().Trim();
        // The answer, its event and any follow-up commit together; a second post of the link finds it answered (SurveyAnswers).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (outcome, events) = await SurveyAnswers.RecordAsync(db, survey, new SurveyAnswer(score, comment.Length == 0 ? null : comment),
            Crm.Channels.ChannelNames.Email, options.CurrentValue, time.GetUtcNow(), ct);
        switch (outcome)
        {
            case AnswerOutcome.Recorded:
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                broadcaster.Publish(events);
                return Page(survey.Locale, t.Thanks, null);
            case AnswerOutcome.AlreadyAnswered:
                return Page(survey.Locale, string.Format(CultureInfo.InvariantCulture, t.Already, survey.Score), null);
            default:
                return Page(survey.Locale, t.Closed, null, StatusCodes.Status410Gone);
        }
    }

    private static string Form(SurveyRequest survey, int? chosen, Strings t)
    {
        var b = new StringBuilder("<form method=\"post\"><fieldset class=\"scores\">");
        for (var s = survey.Kind.Min(); s <= survey.Kind.Max(); s++)
        {
            var n = s.ToString(CultureInfo.InvariantCulture);
            b.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"score\" value=\"{n}\"{(s == chosen ? " checked" : "")} required> {n}</label>");
        }
        b.Append(CultureInfo.InvariantCulture, $"</fieldset><label for=\"comment\">{Html(t.Comment)}</label>")
            .Append(CultureInfo.InvariantCulture, $"<textarea id=\"comment\" name=\"comment\" maxlength=\"{SurveyAnswers.MaxComment}\" rows=\"3\"></textarea>")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\">{Html(t.Send)}</button></form>");
        return b.ToString();
    }

    private static IResult Page(string locale, string heading, string? body, int status = StatusCodes.Status200OK)
    {
        var rtl = locale == "fa";
        var html = $"""
            <!doctype html>
            <html lang="{(rtl ? "fa" : "en")}" dir="{(rtl ? "rtl" : "ltr")}"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
            <title>{Html(heading)}</title>
            <style>body{"{"}font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5{"}"}
            .scores{"{"}display:flex;flex-wrap:wrap;gap:.5rem;border:0;padding:0{"}"} .scores label{"{"}border:1px solid #bbb;border-radius:.4rem;padding:.4rem .7rem{"}"}
            textarea{"{"}display:block;width:100%;margin:.3rem 0 1rem{"}"} button{"{"}padding:.5rem 1.2rem{"}"}</style></head>
            <body><h1>{Html(heading)}</h1>{body}</body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);

    private sealed record Strings(string Csat, string Nps, string Ces, string Comment, string Send, string Thanks, string Already, string Closed,
        string Invalid, string PickOne)
    {
        public string Question(SurveyKind kind) => kind switch { SurveyKind.Nps => Nps, SurveyKind.Ces => Ces, _ => Csat };
    }

    private static readonly Strings English = new(
        "How satisfied are you with the help you got? (1 = very dissatisfied, 5 = very satisfied)",
        "How likely are you to recommend us? (0 = not at all, 10 = certainly)",
        "How easy was it to get your issue solved? (1 = very easy, 7 = very difficult)",
        "Anything you would like to add? (optional)", "Send", "Thank you for your answer!", "Thank you — we already have your answer ({0}).",
        "This survey has closed.", "This survey link is not valid.", "Please choose a score.");

    private static readonly Strings Persian = new(
        "چقدر از کمکی که دریافت کردید راضی هستید؟ (۱ = بسیار ناراضی، ۵ = بسیار راضی)",
        "چقدر احتمال دارد ما را به دیگران پیشنهاد کنید؟ (۰ = به‌هیچ‌وجه، ۱۰ = حتماً)",
        "حل مشکلتان چقدر آسان بود؟ (۱ = بسیار آسان، ۷ = بسیار دشوار)",
        "نکته‌ای برای افزودن دارید؟ (اختیاری)", "ارسال", "از پاسخ شما سپاسگزاریم!", "سپاس — پاسخ شما ({0}) پیش‌تر ثبت شده است.",
        "مهلت این نظرسنجی به پایان رسیده است.", "این پیوند نظرسنجی معتبر نیست.", "لطفاً یک امتیاز انتخاب کنید.");

    private static Strings Text(string locale) => locale == "fa" ? Persian : English;
}
