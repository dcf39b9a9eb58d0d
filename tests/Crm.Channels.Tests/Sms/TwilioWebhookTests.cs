using Crm.Channels.Sms;

namespace Crm.Channels.Tests.Sms;

public sealed class TwilioWebhookTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An inbound SMS as Twilio posts it (parameters from the messaging webhook docs).</summary>
    private static List<KeyValuePair<string, string>> Inbound(string body = "Hello there", params (string Key, string Value)[] extra)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("ToCountry", "US"),
            new("ToState", "CA"),
            new("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"),
            new("NumMedia", "0"),
            new("ToCity", "SAN FRANCISCO"),
            new("FromZip", "94105"),
            new("SmsSid", "SM0123456789abcdef0123456789abcdef"),
            new("FromState", "CA"),
            new("SmsStatus", "received"),
            new("FromCity", "SAN FRANCISCO"),
            new("Body", body),
            new("FromCountry", "US"),
            new("To", "+14155550100"),
            new("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"),
            new("ToZip", "94105"),
            new("NumSegments", "1"),
            new("MessageSid", "SM0123456789abcdef0123456789abcdef"),
            new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            new("From", "+14155550123"),
            new("ApiVersion", "2010-04-01"),
        ];
        foreach (var (key, value) in extra)
        {
            form.RemoveAll(kv => kv.Key == key);
            form.Add(new(key, value));
        }
        return form;
    }

    private static TwilioInbound ParsedInbound(List<KeyValuePair<string, string>> form)
    {
        var parsed = TwilioWebhook.ParseInbound(form, At);
        Assert.Null(parsed.Error);
        return Assert.IsType<TwilioInbound>(parsed.Value);
    }

    [Fact]
    public void InboundSmsBecomesAnInboundMessageFromTheCustomerToOurNumber()
    {
        var inbound = ParsedInbound(Inbound());

        Assert.Equal(new ChannelAddress(ChannelNames.Sms, "+14155550100", "+14155550123"), inbound.Message.From);
        Assert.Equal("SM0123456789abcdef0123456789abcdef", inbound.Message.ProviderMessageId);
        Assert.Equal("Hello there", inbound.Message.Body);
        Assert.Equal(At, inbound.Message.ReceivedAt);
        Assert.Equal(SmsKeyword.None, inbound.Keyword);
        Assert.Empty(inbound.Media);
    }

    [Fact]
    public void WhatsAppPrefixIsStripped()
    {
        var inbound = ParsedInbound(Inbound(extra: [("From", "whatsapp:+14155550123"), ("To", "whatsapp:+14155550100")]));

        Assert.Equal("+14155550123", inbound.Message.From.Address);
        Assert.Equal("+14155550100", inbound.Message.From.AccountId);
    }

    [Fact]
    public void MmsMediaAreListedInOrderWithTheirContentTypes()
    {
        var inbound = ParsedInbound(Inbound("", [
            ("NumMedia", "2"),
            ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0"),
            ("MediaContentType0", "image/jpeg"),
            ("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
            ("MediaContentType1", "application/pdf"),
        ]));

        Assert.Equal("", inbound.Message.Body);
        Assert.Equal(
            [
                new TwilioMedia(new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0"), "image/jpeg"),
                new TwilioMedia(new Uri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"), "application/pdf"),
            ],
            inbound.Media);
    }

    [Fact]
    public void MediaUrlThatIsNotAnHttpUrlIsABadRequest()
    {
        var parsed = TwilioWebhook.ParseInbound(Inbound("", [("NumMedia", "1"), ("MediaUrl0", "file:///etc/passwd")]), At);

        Assert.Null(parsed.Value);
        Assert.Contains("MediaUrl0", parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("STOP", SmsKeyword.Stop)]
    [InlineData("START", SmsKeyword.Start)]
    [InlineData("HELP", SmsKeyword.Help)]
    public void KeywordComesFromOptOutType(string optOutType, SmsKeyword expected) =>
        Assert.Equal(expected, ParsedInbound(Inbound("arret", [("OptOutType", optOutType)])).Keyword);

    [Theory]
    [InlineData("stop", SmsKeyword.Stop)]
    [InlineData(" Start ", SmsKeyword.Start)]
    [InlineData("HELP", SmsKeyword.Help)]
    [InlineData("Unsubscribe", SmsKeyword.Stop)]
    [InlineData("stopall", SmsKeyword.Stop)]
    [InlineData("yes", SmsKeyword.Start)]
    [InlineData("UNSTOP", SmsKeyword.Start)]
    [InlineData("info\n", SmsKeyword.Help)]
    [InlineData("stop please", SmsKeyword.None)]
    [InlineData("help me", SmsKeyword.None)]
    [InlineData("", SmsKeyword.None)]
    public void KeywordComesFromTheWholeTrimmedBodyWhenOptOutTypeIsAbsent(string body, SmsKeyword expected) =>
        Assert.Equal(expected, ParsedInbound(Inbound(body)).Keyword);

    [Fact]
    public void BodyIsKeptAsSentEvenWhenItIsAKeyword() =>
        Assert.Equal(" Start ", ParsedInbound(Inbound(" Start ")).Message.Body);

    [Theory]
    [InlineData("MessageSid", "MessageSid")]
    [InlineData("From", "From")]
    [InlineData("To", "To")]
    public void InboundWithoutARequiredFieldIsABadRequestNamingIt(string removed, string named)
    {
        var form = Inbound();
        form.RemoveAll(kv => kv.Key == removed);

        var parsed = TwilioWebhook.ParseInbound(form, At);

        Assert.Null(parsed.Value);
        Assert.StartsWith(named, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BlankFromIsABadRequest()
    {
        var parsed = TwilioWebhook.ParseInbound(Inbound(extra: ("From", "whatsapp:")), At);

        Assert.Null(parsed.Value);
        Assert.StartsWith("From", parsed.Error, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> Status(string status, params (string Key, string Value)[] extra)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            new("From", "+14155550100"),
            new("ApiVersion", "2010-04-01"),
            new("MessageStatus", status),
            new("SmsStatus", status),
            new("SmsSid", "SM0123456789abcdef0123456789abcdef"),
            new("To", "+14155550123"),
            new("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ];
        form.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return form;
    }

    [Theory]
    [InlineData("accepted", DeliveryStatus.Pending)]
    [InlineData("scheduled", DeliveryStatus.Pending)]
    [InlineData("queued", DeliveryStatus.Pending)]
    [InlineData("sending", DeliveryStatus.Pending)]
    [InlineData("sent", DeliveryStatus.Sent)]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("partially_delivered", DeliveryStatus.Delivered)]
    [InlineData("read", DeliveryStatus.Read)]
    [InlineData("undelivered", DeliveryStatus.Failed)]
    [InlineData("failed", DeliveryStatus.Failed)]
    [InlineData("canceled", DeliveryStatus.Failed)]
    public void StatusCallbackMapsTwilioStatuses(string status, DeliveryStatus expected)
    {
        var parsed = TwilioWebhook.ParseStatus(Status(status));

        Assert.Null(parsed.Error);
        Assert.Equal(new TwilioStatus("SM0123456789abcdef0123456789abcdef", expected, null, null), parsed.Value);
    }

    [Fact]
    public void StatusCallbackCarriesTheCarrierError()
    {
        var parsed = TwilioWebhook.ParseStatus(Status("undelivered", ("ErrorCode", "30003"), ("ErrorMessage", "Unreachable destination handset"), ("RawDlrDoneDate", "2603011200")));

        Assert.Equal(new TwilioStatus("SM0123456789abcdef0123456789abcdef", DeliveryStatus.Failed, "30003", "Unreachable destination handset"), parsed.Value);
    }

    [Fact]
    public void LegacySmsStatusIsUsedWhenMessageStatusIsAbsent()
    {
        var form = Status("delivered");
        form.RemoveAll(kv => kv.Key == "MessageStatus");

        Assert.Equal(DeliveryStatus.Delivered, TwilioWebhook.ParseStatus(form).Value?.Status);
    }

    [Theory]
    [InlineData("exploded")]
    [InlineData("received")]
    public void UnknownStatusIsABadRequest(string status)
    {
        var parsed = TwilioWebhook.ParseStatus(Status(status));

        Assert.Null(parsed.Value);
        Assert.Contains(status, parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MessageSid")]
    [InlineData("MessageStatus")]
    public void StatusCallbackWithoutARequiredFieldIsABadRequestNamingIt(string removed)
    {
        var form = Status("sent");
        form.RemoveAll(kv => kv.Key == removed || (removed == "MessageStatus" && kv.Key == "SmsStatus"));

        var parsed = TwilioWebhook.ParseStatus(form);

        Assert.Null(parsed.Value);
        Assert.StartsWith(removed, parsed.Error, StringComparison.Ordinal);
    }
}
