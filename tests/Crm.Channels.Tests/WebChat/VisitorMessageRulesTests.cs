using Crm.Channels.WebChat;

namespace Crm.Channels.Tests.WebChat;

public sealed class VisitorMessageRulesTests
{
    private static readonly WebChatOptions Options = new() { MaxMessageLength = 10 };
    private static readonly string ClientId = Guid.NewGuid().ToString();

    [Fact]
    public void AcceptsATextWithinTheLimit() => Assert.Null(VisitorMessageRules.Validate(ClientId, "hello", Options));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n")]
    public void RefusesAnEmptyBody(string? body) => Assert.Equal("The message body is empty.", VisitorMessageRules.Validate(ClientId, body, Options));

    [Fact]
    public void RefusesABodyOverTheLimitSayingBothNumbers() =>
        Assert.Equal("The message is 11 characters long; the limit is 10.", VisitorMessageRules.Validate(ClientId, "12345678901", Options));

    [Theory]
    [InlineData(null)]
    [InlineData("42")]
    public void RefusesAMissingOrMalformedClientMessageId(string? clientId) =>
        Assert.Contains("clientMessageId", VisitorMessageRules.Validate(clientId, "hi", Options));

    [Fact]
    public void ProviderMessageIdIsStablePerVisitorAndDistinctAcrossVisitors()
    {
        var visitor = Guid.NewGuid();
        Assert.Equal(VisitorMessageRules.ProviderMessageId(visitor, ClientId), VisitorMessageRules.ProviderMessageId(visitor, ClientId.ToUpperInvariant()));
        Assert.NotEqual(VisitorMessageRules.ProviderMessageId(visitor, ClientId), VisitorMessageRules.ProviderMessageId(Guid.NewGuid(), ClientId));
    }
}
