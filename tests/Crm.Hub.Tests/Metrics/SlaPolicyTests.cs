using Crm.Channels;
using Crm.Hub.Metrics;

namespace Crm.Hub.Tests.Metrics;

public sealed class SlaPolicyTests
{
    private static SlaTarget Minutes(int firstResponse) => new(TimeSpan.FromMinutes(firstResponse), TimeSpan.FromHours(8));

    [Fact]
    public void TheMostSpecificRuleWins()
    {
        var policy = new SlaPolicy(Minutes(60),
        [
            new SlaRule(null, ChannelNames.Email, Minutes(240)),
            new SlaRule(2, null, Minutes(15)),
            new SlaRule(2, ChannelNames.Email, Minutes(30)),
        ]);

        Assert.Equal(Minutes(30), policy.TargetFor(2, ChannelNames.Email));
        Assert.Equal(Minutes(15), policy.TargetFor(2, ChannelNames.Sms));
        Assert.Equal(Minutes(240), policy.TargetFor(0, ChannelNames.Email));
        Assert.Equal(Minutes(60), policy.TargetFor(0, ChannelNames.Sms));
    }

    [Fact]
    public void AQueueWithItsOwnPolicyUsesIt()
    {
        var vip = MetricsFixture.Id(0xf9);
        var settings = MetricsFixture.Settings() with
        {
            QueuePolicies = new Dictionary<Guid, SlaPolicy> { [vip] = new(Minutes(5), []) },
        };

        Assert.Equal(Minutes(5), settings.TargetOf(new ConversationHeader(MetricsFixture.Id(1), MetricsFixture.Sara, ChannelNames.Email, vip)));
        Assert.Equal(TimeSpan.FromHours(4),
            settings.TargetOf(new ConversationHeader(MetricsFixture.Id(2), MetricsFixture.Sara, ChannelNames.Email, MetricsFixture.Support)).FirstResponse);
    }

    [Fact]
    public void AnUnansweredConversationIsPendingUntilItsBusinessTimeRunsOut()
    {
        var calendar = MetricsFixture.Calendar;
        var history = new ConversationHistory(new ConversationHeader(MetricsFixture.Id(1), MetricsFixture.Sara, ChannelNames.Sms),
            [new(TimelineKind.CustomerMessage, MetricsFixture.L(3, 15, 30))]);
        var timings = ConversationTimings.Of(history);

        // Wed 15:30 + 1 h of business time: 30 min on Wednesday, Thu holiday, Fri closed, Sat 08:00 + 30 min.
        var pending = SlaEvaluation.Of(timings, Minutes(60), calendar, MetricsFixture.L(5, 23, 0))!;
        Assert.Equal(SlaOutcome.Pending, pending.FirstResponse);
        Assert.Equal(MetricsFixture.L(6, 8, 30), pending.FirstResponseDue);
        Assert.False(pending.Decided);

        Assert.Equal(SlaOutcome.Breached, SlaEvaluation.Of(timings, Minutes(60), calendar, MetricsFixture.L(6, 8, 31))!.FirstResponse);
    }
}
