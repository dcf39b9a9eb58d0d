using Crm.Channels;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reminders;

/// <summary>What a reminder request must hold, and which templates a customer reminder may use.</summary>
internal static partial class RemindersApi
{
    internal static List<ReminderTemplateView> Templates(BuiltInCampaignTemplates builtIns) =>
        [.. builtIns.All().Select(t => new ReminderTemplateView(t.Name, [.. t.Locales.Keys],
            [.. t.Locales.Values.SelectMany(v => AttributePattern().Matches(v.Body + "\n" + v.Subject).Select(m => m.Groups[1].Value)).Distinct().Order(StringComparer.Ordinal)]))];

    [System.Text.RegularExpressions.GeneratedRegex(@"contact\.attributes\.([a-z_][a-z0-9_]*)")]
    private static partial System.Text.RegularExpressions.Regex AttributePattern();

    private static void ValidateWhen(DateTimeOffset? dueAt, string? timeZone, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (dueAt is null)
        {
            errors["dueAt"] = ["dueAt is required: an ISO 8601 time with its offset, e.g. 2026-05-05T10:00:00+03:30."];
        }
        else if (dueAt <= now)
        {
            errors["dueAt"] = [$"dueAt {dueAt:u} is in the past; pick a time after {now:u}."];
        }
        else if (dueAt > now + MaxAhead)
        {
            errors["dueAt"] = ["dueAt is at most two years ahead."];
        }
        if (!string.IsNullOrEmpty(timeZone) && (timeZone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _)))
        {
            errors["timeZone"] = [$"\"{timeZone}\" is not a known IANA time zone (e.g. Asia/Tehran)."];
        }
    }

    private static async Task ValidateCustomerAsync(ReminderRequest request, Guid? contactId, HubDbContext db, BuiltInCampaignTemplates builtIns,
        CampaignTemplates templates, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Channel) || !ChannelNames.IsKnown(request.Channel) || request.Channel == ChannelNames.WebChat)
        {
            errors["channel"] = ["channel is sms, email, telegram or fax: a channel the hub can start a message on."];
        }
        else if (contactId is { } id && !await db.ChannelIdentities.AnyAsync(i => i.ContactId == id && i.Channel == request.Channel, ct))
        {
            errors["channel"] = [$"The contact has no {request.Channel} address."];
        }
        var names = builtIns.All().Select(t => t.Name).ToList();
        if (string.IsNullOrEmpty(request.Template) || !names.Contains(request.Template))
        {
            errors["template"] = [$"template is one of: {string.Join(", ", names)}."];
        }
        else
        {
            foreach (var locale in new[] { "en", "fa" })
            {
                if (CustomerReminderMessages.TextOf(builtIns, request.Template, locale) is { } text
                    && templates.Compile(text.Body, TemplateSyntax.Scriban).Errors is [var error, ..])
                {
                    errors["template"] = [$"The {locale} text does not parse (line {error.Line}, column {error.Column}): {error.Message}"];
                }
            }
        }
        var variables = request.Variables ?? [];
        if (variables.Count > MaxVariables)
        {
            errors["variables"] = [$"At most {MaxVariables} variables."];
        }
        foreach (var (key, value) in variables)
        {
            if (key.Length is 0 or > 64 || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') || char.IsAsciiDigit(key[0]))
            {
                errors[$"variables.{key}"] = ["A variable name is lower-case letters, digits and _ (e.g. appointment_date)."];
            }
            else if (value is null || value.Length > MaxVariableLength)
            {
                errors[$"variables.{key}"] = [$"A variable's value is text of at most {MaxVariableLength} characters."];
            }
        }
    }
}
