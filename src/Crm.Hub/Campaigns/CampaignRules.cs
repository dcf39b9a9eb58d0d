using Crm.Channels;
using Crm.Hub.Templates;
using Quartz;

namespace Crm.Hub.Campaigns;

/// <summary>
/// What makes a campaign well-formed, checked without the database: the editor's fields (applied to a draft when they
/// pass) and, at launch, what depends on the clock. Every problem comes back as a message under the field it concerns.
/// </summary>
internal static class CampaignRules
{
    public const int MaxBodyLength = 4000;

    public static readonly string[] Channels = [ChannelNames.Sms, ChannelNames.Email, ChannelNames.Telegram, ChannelNames.Fax];

    /// <summary>Checks <paramref name="request"/> and, when it has no error, writes it into <paramref name="campaign"/>.</summary>
    public static Dictionary<string, string[]> Apply(CampaignRequest request, Campaign campaign, CampaignOptions options, CampaignTemplates templates,
        BuiltInCampaignTemplates builtIns)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var name = (request.Name ?? "").Trim();
        if (name.Length is 0 or > 200)
        {
            errors["name"] = ["A campaign needs a name of 1 to 200 characters."];
        }
        var channel = (request.Channel ?? "").Trim().ToLowerInvariant();
        if (!Channels.Contains(channel))
        {
            errors["channel"] = [$"The channel must be one of {string.Join(", ", Channels)}."];
        }
        if (request.SegmentId is null)
        {
            errors["segmentId"] = ["Choose the audience: a saved segment."];
        }

        var pace = request.Pace ?? 1;
        if (!double.IsFinite(pace) || pace <= 0)
        {
            errors["pace"] = ["The pace is a positive number of messages per second per sender."];
        }
        else if (options.MaxPace(channel) is { } max && pace > max)
        {
            errors["pace"] = [$"{channel} allows at most {max:0.###} messages per second per sender; {pace:0.###} is above the channel's limit."];
        }

        var defaultZone = string.IsNullOrWhiteSpace(request.DefaultTimeZone) ? options.DefaultTimeZone : request.DefaultTimeZone.Trim();
        if (!TryZone(defaultZone, out _))
        {
            errors["defaultTimeZone"] = [$"\"{defaultZone}\" is not a known IANA time zone (e.g. Asia/Tehran)."];
        }

        int? quietStart = null, quietEnd = null;
        if (request.QuietHours is { } quiet && (quiet.Start is not null || quiet.End is not null))
        {
            if (!QuietHours.TryParseMinute(quiet.Start, out var start) || !QuietHours.TryParseMinute(quiet.End, out var end))
            {
                errors["quietHours"] = ["Quiet hours are a start and an end as HH:mm (e.g. 21:00 to 08:00)."];
            }
            else if (start % QuietHours.MinutesPerDay == end % QuietHours.MinutesPerDay)
            {
                errors["quietHours"] = ["Quiet hours must start and end at different times."];
            }
            else
            {
                (quietStart, quietEnd) = (start % QuietHours.MinutesPerDay, end);
            }
        }

        var schedule = ReadSchedule(request.Schedule, options, errors);
        var template = ReadTemplate(request.Template, channel, templates, builtIns, errors);

        if (errors.Count > 0)
        {
            return errors;
        }
        campaign.Name = name;
        campaign.Channel = channel;
        campaign.Sender = string.IsNullOrWhiteSpace(request.Sender) ? null : request.Sender.Trim();
        campaign.SegmentId = request.SegmentId;
        campaign.Pace = pace;
        campaign.DefaultTimeZone = defaultZone;
        (campaign.QuietStartMinute, campaign.QuietEndMinute) = (quietStart, quietEnd);
        (campaign.Schedule, campaign.StartAt, campaign.Cron, campaign.ScheduleTimeZone) = schedule;
        // Stored as UTC: PostgreSQL's timestamptz takes no other offset.
        campaign.StartAt = campaign.StartAt?.ToUniversalTime();
        (campaign.TemplateKey, campaign.Syntax, campaign.BodyEn, campaign.BodyFa, campaign.SubjectEn, campaign.SubjectFa) = template;
        return errors;
    }

    /// <summary>What the clock decides at launch: a start in the past, a cron that never fires again.</summary>
    public static Dictionary<string, string[]> CheckLaunch(Campaign campaign, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (campaign.Schedule == CampaignSchedule.At && campaign.StartAt is { } at && at <= now)
        {
            errors["schedule.at"] = [$"The start {at:u} is in the past (now {now:u})."];
        }
        if (campaign.Schedule == CampaignSchedule.Recurring && NextFire(campaign, now) is null)
        {
            errors["schedule.cron"] = ["The cron expression never fires after now."];
        }
        return errors;
    }

    public static DateTimeOffset? NextFire(Campaign campaign, DateTimeOffset after)
    {
        if (campaign.Cron is null || !TryZone(campaign.ScheduleTimeZone ?? "UTC", out var zone))
        {
            return null;
        }
        var cron = new CronExpression(campaign.Cron, zone);
        return cron.GetNextValidTimeAfter(after);
    }

    public static bool TryZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    private static (CampaignSchedule, DateTimeOffset?, string?, string?) ReadSchedule(CampaignScheduleRequest? request, CampaignOptions options,
        Dictionary<string, string[]> errors)
    {
        switch ((request?.Kind ?? "now").Trim().ToLowerInvariant())
        {
            case "now":
                return (CampaignSchedule.Now, null, null, null);
            case "at":
                if (request!.At is not { } at)
                {
                    errors["schedule.at"] = ["A scheduled campaign needs the time to start (schedule.at)."];
                }
                return (CampaignSchedule.At, request.At, null, null);
            case "recurring":
                var cron = request!.Cron?.Trim();
                var zone = string.IsNullOrWhiteSpace(request.TimeZone) ? options.DefaultTimeZone : request.TimeZone.Trim();
                if (string.IsNullOrEmpty(cron))
                {
                    errors["schedule.cron"] = ["A recurring campaign needs a cron expression (seconds minutes hours day-of-month month day-of-week), e.g. \"0 0 9 ? * MON\"."];
                }
                else
                {
                    try
                    {
                        _ = new CronExpression(cron);
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException)
                    {
                        errors["schedule.cron"] = [$"The cron expression does not parse: {e.Message}"];
                    }
                }
                if (!TryZone(zone, out _))
                {
                    errors["schedule.timeZone"] = [$"\"{zone}\" is not a known IANA time zone."];
                }
                return (CampaignSchedule.Recurring, null, cron, zone);
            default:
                errors["schedule.kind"] = ["The schedule is now, at or recurring."];
                return (CampaignSchedule.Now, null, null, null);
        }
    }

    private static (string?, TemplateSyntax, string?, string?, string?, string?) ReadTemplate(CampaignTemplateRequest? request, string channel,
        CampaignTemplates templates, BuiltInCampaignTemplates builtIns, Dictionary<string, string[]> errors)
    {
        if (request is null)
        {
            errors["template"] = ["Choose a built-in template (template.key) or write the message (template.bodyEn / template.bodyFa)."];
            return default;
        }
        TemplateSyntax? syntax = (request.Syntax ?? "scriban").Trim().ToLowerInvariant() switch
        {
            "scriban" => TemplateSyntax.Scriban,
            "liquid" => TemplateSyntax.Liquid,
            _ => null,
        };
        if (syntax is null)
        {
            errors["template.syntax"] = ["The template syntax is scriban or liquid."];
            return default;
        }
        string? bodyEn = request.BodyEn, bodyFa = request.BodyFa, subjectEn = request.SubjectEn, subjectFa = request.SubjectFa;
        var key = string.IsNullOrWhiteSpace(request.Key) ? null : request.Key.Trim();
        if (key is not null)
        {
            if (builtIns.All().FirstOrDefault(t => t.Name == key) is not { } builtIn)
            {
                errors["template.key"] = [$"There is no built-in template \"{key}\"."];
                return default;
            }
            syntax = TemplateSyntax.Scriban;
            bodyEn = builtIn.Locales.GetValueOrDefault("en")?.Body;
            bodyFa = builtIn.Locales.GetValueOrDefault("fa")?.Body;
            subjectEn = builtIn.Locales.GetValueOrDefault("en")?.Subject;
            subjectFa = builtIn.Locales.GetValueOrDefault("fa")?.Subject;
        }
        if (string.IsNullOrWhiteSpace(bodyEn) && string.IsNullOrWhiteSpace(bodyFa))
        {
            errors["template"] = ["The message is empty: write it in English, Persian or both."];
            return default;
        }
        foreach (var (field, text) in new[] { ("bodyEn", bodyEn), ("bodyFa", bodyFa), ("subjectEn", subjectEn), ("subjectFa", subjectFa) })
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }
            if (text.Length > (field.StartsWith("subject", StringComparison.Ordinal) ? 998 : MaxBodyLength))
            {
                errors[$"template.{field}"] = ["The text is too long."];
                continue;
            }
            var compiled = templates.Compile(text, syntax.Value);
            if (!compiled.IsValid)
            {
                errors[$"template.{field}"] = [.. compiled.Errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")];
            }
        }
        if (channel == ChannelNames.Email)
        {
            if (!string.IsNullOrWhiteSpace(bodyEn) && string.IsNullOrWhiteSpace(subjectEn))
            {
                errors["template.subjectEn"] = ["An email campaign needs a subject for each language it is written in."];
            }
            if (!string.IsNullOrWhiteSpace(bodyFa) && string.IsNullOrWhiteSpace(subjectFa))
            {
                errors["template.subjectFa"] = ["An email campaign needs a subject for each language it is written in."];
            }
        }
        return (key, syntax.Value, NullIfBlank(bodyEn), NullIfBlank(bodyFa), NullIfBlank(subjectEn), NullIfBlank(subjectFa));
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
