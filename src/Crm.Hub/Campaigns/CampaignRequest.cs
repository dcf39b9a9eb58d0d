namespace Crm.Hub.Campaigns;

/// <summary>A campaign as the editor sends it (create or update a draft).</summary>
public sealed record CampaignRequest(
    string? Name, string? Channel, string? Sender, Guid? SegmentId, CampaignTemplateRequest? Template, CampaignScheduleRequest? Schedule,
    double? Pace, QuietHoursRequest? QuietHours, string? DefaultTimeZone);

/// <summary>A built-in template by <see cref="Key"/>, or the campaign's own text per locale (en, fa).</summary>
public sealed record CampaignTemplateRequest(string? Key, string? Syntax, string? BodyEn, string? BodyFa, string? SubjectEn, string? SubjectFa);

/// <summary><c>now</c>, <c>at</c> (with <see cref="At"/>) or <c>recurring</c> (a Quartz cron expression, read in <see cref="TimeZone"/>).</summary>
public sealed record CampaignScheduleRequest(string? Kind, DateTimeOffset? At, string? Cron, string? TimeZone);

/// <summary>Local "HH:mm" times in the recipient's time zone; <see cref="Start"/> after <see cref="End"/> crosses midnight.</summary>
public sealed record QuietHoursRequest(string? Start, string? End);
