using Crm.Hub.Campaigns;
using Crm.Hub.Templates;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>Quiet hours across time zones and midnight, schedule and field checks, and which state may follow which.</summary>
public sealed class CampaignRulesTests : IDisposable
{
    private static readonly TimeZoneInfo Tehran = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tehran");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private readonly CampaignTemplates _templates = new(TimeProvider.System);

    private static readonly BuiltInCampaignTemplates BuiltIns = new(Options.Create(new TemplateOptions
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "templates"),
    }));

    public void Dispose() => _templates.Dispose();

    private static DateTimeOffset Utc(int hour, int minute = 0, int day = 10, int month = 1) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    // 21:00–08:00 in Tehran (UTC+3:30): 18:00 UTC is 21:30 there, quiet until 08:00 local next day = 04:30 UTC.
    [InlineData(18, 0, "2026-01-11T04:30:00+00:00")]
    // 01:00 UTC is 04:30 in Tehran: after midnight, quiet until 08:00 the same local day.
    [InlineData(1, 0, "2026-01-11T04:30:00+00:00")]
    // 10:00 UTC is 13:30 in Tehran: allowed.
    [InlineData(10, 0, null)]
    // 04:30 UTC is exactly 08:00 there: the window has ended.
    [InlineData(4, 30, null)]
    // 17:29 UTC is 20:59 there: one minute before quiet hours.
    [InlineData(17, 29, null)]
    public void QuietHoursCrossingMidnightDeferToTheLocalMorning(int hour, int minute, string? expected)
    {
        var until = new QuietHours(21 * 60, 8 * 60).DeferUntil(Utc(hour, minute, day: hour < 12 ? 11 : 10), Tehran);
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), until);
    }

    [Fact]
    public void TheSameInstantIsQuietInOneZoneAndNotInAnother()
    {
        var hours = new QuietHours(21 * 60, 8 * 60);
        var at = Utc(3); // 06:30 in Tehran, 22:00 the day before in New York
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.FromHours(3.5)), hours.DeferUntil(at, Tehran));
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.FromHours(-5)), hours.DeferUntil(at, NewYork));
        Assert.Null(hours.DeferUntil(Utc(15), NewYork)); // 10:00 in New York
    }

    [Fact]
    public void AWindowWithinOneDayEndsTheSameDay()
    {
        var lunch = new QuietHours(12 * 60, 13 * 60 + 30);
        Assert.Equal(Utc(13, 30), lunch.DeferUntil(Utc(12, 15), TimeZoneInfo.Utc));
        Assert.Null(lunch.DeferUntil(Utc(11, 59), TimeZoneInfo.Utc));
        Assert.Null(lunch.DeferUntil(Utc(13, 30), TimeZoneInfo.Utc));
    }

    [Fact]
    public void AnEndSkippedByTheSpringDstJumpIsTheFirstValidMinuteAfterIt()
    {
        // New York skips 02:00–03:00 on 8 March 2026: quiet hours ending at 02:30 end at 03:00 EDT.
        var until = new QuietHours(22 * 60, 2 * 60 + 30).DeferUntil(new DateTimeOffset(2026, 3, 8, 6, 0, 0, TimeSpan.Zero), NewYork);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 0, 0, TimeSpan.FromHours(-4)), until);
    }

    [Theory]
    [InlineData("21:00", 1260)]
    [InlineData("00:00", 0)]
    [InlineData("24:00", 1440)]
    [InlineData("9:00", null)]
    [InlineData("24:30", null)]
    [InlineData("12:60", null)]
    [InlineData("ab:cd", null)]
    [InlineData(null, null)]
    public void QuietHourTimesAreHoursAndMinutes(string? text, int? minute)
    {
        Assert.Equal(minute is not null, QuietHours.TryParseMinute(text, out var parsed));
        if (minute is { } m)
        {
            Assert.Equal(m, parsed);
        }
    }

    private Dictionary<string, string[]> Apply(CampaignRequest request, Campaign? campaign = null) =>
        CampaignRules.Apply(request, campaign ?? new Campaign { Name = "", Channel = "", DefaultTimeZone = "UTC" }, new CampaignOptions(), _templates, BuiltIns);

    private static CampaignRequest Request(string channel = "sms", double? pace = 1, CampaignScheduleRequest? schedule = null,
        CampaignTemplateRequest? template = null) =>
        new("Spring", channel, null, Guid.NewGuid(), template ?? new CampaignTemplateRequest(null, null, "Hi {{ contact.name }}", null, null, null), schedule,
            pace, null, null);

    [Fact]
    public void AWellFormedRequestIsWrittenIntoTheDraft()
    {
        var campaign = new Campaign { Name = "", Channel = "", DefaultTimeZone = "UTC" };
        var errors = Apply(Request(pace: 25, schedule: new CampaignScheduleRequest("recurring", null, "0 0 9 ? * MON", "Asia/Tehran")) with
        {
            QuietHours = new QuietHoursRequest("21:00", "08:00"), DefaultTimeZone = "Asia/Tehran",
        }, campaign);
        Assert.Empty(errors);
        Assert.Equal(("Spring", "sms", 25.0, CampaignSchedule.Recurring, "0 0 9 ? * MON", "Asia/Tehran"),
            (campaign.Name, campaign.Channel, campaign.Pace, campaign.Schedule, campaign.Cron, campaign.ScheduleTimeZone));
        Assert.Equal((1260, 480), (campaign.QuietStartMinute!.Value, campaign.QuietEndMinute!.Value));
        Assert.Equal("Hi {{ contact.name }}", campaign.BodyEn);
    }

    [Theory]
    [InlineData("sms", 100.5, "sms allows at most 100 messages per second")]
    [InlineData("telegram", 31, "telegram allows at most 30 messages per second")]
    [InlineData("fax", 1, "fax allows at most 0.05 messages per second")]
    public void APaceAboveTheChannelsKnownLimitIsRefused(string channel, double pace, string message)
    {
        var errors = Apply(Request(channel, pace, template: new CampaignTemplateRequest(null, null, "Hi", null, "Subject", null)));
        Assert.StartsWith(message, Assert.Single(errors["pace"]), StringComparison.Ordinal);
    }

    [Fact]
    public void AStartInThePastOrACronThatNeverFiresAgainIsRefusedAtLaunch()
    {
        var now = Utc(12);
        var past = new Campaign { Name = "x", Channel = "sms", DefaultTimeZone = "UTC", Schedule = CampaignSchedule.At, StartAt = now.AddMinutes(-1) };
        Assert.Contains("in the past", Assert.Single(CampaignRules.CheckLaunch(past, now)["schedule.at"]), StringComparison.Ordinal);
        Assert.Empty(CampaignRules.CheckLaunch(new Campaign { Name = "x", Channel = "sms", DefaultTimeZone = "UTC", Schedule = CampaignSchedule.At, StartAt = now.AddMinutes(1) }, now));
        var over = new Campaign { Name = "x", Channel = "sms", DefaultTimeZone = "UTC", Schedule = CampaignSchedule.Recurring, Cron = "0 0 9 1 1 ? 2020", ScheduleTimeZone = "UTC" };
        Assert.True(CampaignRules.CheckLaunch(over, now).ContainsKey("schedule.cron"));
        Assert.True(Apply(Request(schedule: new CampaignScheduleRequest("recurring", null, "61 * * * * ?", null))).ContainsKey("schedule.cron"));
        Assert.True(Apply(Request(schedule: new CampaignScheduleRequest("weekly", null, null, null))).ContainsKey("schedule.kind"));
    }

    [Fact]
    public void ARecurringScheduleFiresInItsOwnTimeZone()
    {
        var campaign = new Campaign { Name = "x", Channel = "sms", DefaultTimeZone = "UTC", Schedule = CampaignSchedule.Recurring, Cron = "0 0 9 * * ?", ScheduleTimeZone = "Asia/Tehran" };
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 5, 30, 0, TimeSpan.Zero), CampaignRules.NextFire(campaign, Utc(12))!.Value.ToUniversalTime());
    }

    [Fact]
    public void TemplateErrorsNameTheLineAndColumn()
    {
        var errors = Apply(Request(template: new CampaignTemplateRequest(null, null, "Hello\n  {{ end }}", null, null, null)));
        Assert.Matches("^line 2, column \\d+: ", Assert.Single(errors["template.bodyEn"]));
    }

    [Theory]
    [InlineData("Draft", "Scheduled", true)]
    [InlineData("Draft", "Running", false)]
    [InlineData("Scheduled", "Running", true)]
    [InlineData("Running", "Paused", true)]
    [InlineData("Running", "Scheduled", true)]
    [InlineData("Paused", "Running", true)]
    [InlineData("Paused", "Completed", false)]
    [InlineData("Completed", "Running", false)]
    [InlineData("Cancelled", "Scheduled", false)]
    [InlineData("Completed", "Cancelled", false)]
    public void OnlyTheseStatesFollowEachOther(string from, string to, bool allowed) =>
        Assert.Equal(allowed, CampaignStates.CanMove(Enum.Parse<CampaignState>(from), Enum.Parse<CampaignState>(to)));

    [Theory]
    [InlineData("Ana", "Ana")]
    [InlineData("Doe, Jane", "\"Doe, Jane\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+15550001111", "+15550001111")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData(null, "")]
    [InlineData("\tcmd|calc", "'\tcmd|calc")]
    [InlineData("\r=1+2", "\"'\r=1+2\"")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void CsvFieldsAreQuotedAndNeverRunAsFormulas(string? value, string expected) => Assert.Equal(expected, CampaignsApi.Csv(value));
}
