using System.Text;
using Crm.Channels.Email;

namespace Crm.Channels.Tests.Email;

/// <summary>Signed plus-addresses: only addresses this hub made, with the right MAC, name a conversation or a message.</summary>
public sealed class ReplyAddressesTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("test-key-0123456789abcdef-0123456789");
    private static readonly byte[] OtherKey = Encoding.ASCII.GetBytes("another-key-9876543210fedcba-987654");
    private static readonly Guid Message = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static readonly ReplyAddresses Addresses = new("support", "example.test", Key);

    [Theory]
    [InlineData(0L)]
    [InlineData(12L)]
    [InlineData(1234567890123L)]
    [InlineData(long.MaxValue)]
    public void Conversation_address_round_trips(long number)
    {
        var address = Addresses.ForConversation(number);

        Assert.Matches(@"^support\+c[0-9]+\.[0-9a-f]{8}@example\.test$", address);
        Assert.Equal(number, Addresses.ConversationOf(address));
        Assert.Null(Addresses.BouncedMessageOf(address));
    }

    [Fact]
    public void Bounce_address_round_trips()
    {
        var address = Addresses.ForBounces(Message);

        Assert.Matches(@"^support\+b0f8fad5bd9cb469fa16570867728950e\.[0-9a-f]{8}@example\.test$", address);
        Assert.Equal(Message, Addresses.BouncedMessageOf(address));
        Assert.Null(Addresses.ConversationOf(address));
    }

    [Fact]
    public void The_same_key_gives_the_same_address_and_different_numbers_different_macs()
    {
        Assert.Equal(Addresses.ForConversation(12), new ReplyAddresses("support", "example.test", [.. Key]).ForConversation(12));
        Assert.NotEqual(Mac(Addresses.ForConversation(12)), Mac(Addresses.ForConversation(13)));
    }

    [Fact]
    public void Wrong_mac_is_rejected()
    {
        var address = Addresses.ForConversation(12);
        var mac = Mac(address);
        var wrong = (mac[0] == '0' ? "1" : "0") + mac[1..];

        Assert.Null(Addresses.ConversationOf(address.Replace("." + mac + "@", "." + wrong + "@", StringComparison.Ordinal)));
        Assert.Null(Addresses.ConversationOf("support+c12.00000000@example.test"));
        Assert.Null(Addresses.ConversationOf(address.Replace("." + mac + "@", "." + mac[..7] + "@", StringComparison.Ordinal)));
        Assert.Null(Addresses.ConversationOf(address.Replace("." + mac + "@", "." + mac + "0@", StringComparison.Ordinal)));
        Assert.Null(Addresses.ConversationOf(address.Replace("." + mac + "@", "@", StringComparison.Ordinal)));
        Assert.Null(Addresses.ConversationOf(address.Replace("." + mac + "@", ".@", StringComparison.Ordinal)));
    }

    [Fact]
    public void Wrong_mac_on_a_bounce_address_is_rejected()
    {
        var address = Addresses.ForBounces(Message);

        Assert.Null(Addresses.BouncedMessageOf(address.Replace("." + Mac(address) + "@", ".deadbeef@", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("elsewhere.test")]
    [InlineData("mail.example.test")]
    [InlineData("example.test.evil.test")]
    public void Wrong_domain_is_rejected(string domain)
    {
        var address = Addresses.ForConversation(12);
        var local = address[..address.IndexOf('@', StringComparison.Ordinal)];

        Assert.Null(Addresses.ConversationOf(local + "@" + domain));
    }

    [Fact]
    public void Address_without_a_domain_is_rejected()
    {
        var address = Addresses.ForConversation(12);

        Assert.Null(Addresses.ConversationOf(address[..address.IndexOf('@', StringComparison.Ordinal)]));
        Assert.Null(Addresses.ConversationOf(""));
    }

    [Theory]
    [InlineData("sales")]
    [InlineData("supports")]
    [InlineData("xsupport")]
    public void Another_local_part_is_rejected_even_with_the_right_mac(string localPart)
    {
        var address = Addresses.ForConversation(12);

        Assert.Null(Addresses.ConversationOf(localPart + address["support".Length..]));
    }

    [Fact]
    public void Another_local_part_with_its_own_valid_mac_is_rejected()
    {
        var sales = new ReplyAddresses("sales", "example.test", Key);

        Assert.Equal(12, sales.ConversationOf(sales.ForConversation(12)));
        Assert.Null(Addresses.ConversationOf(sales.ForConversation(12)));
    }

    [Theory]
    [InlineData("13")]
    [InlineData("120")]
    [InlineData("012")]
    [InlineData("1")]
    public void Tampered_number_is_rejected(string number)
    {
        var address = Addresses.ForConversation(12);

        var tampered = address.Replace("+c12.", "+c" + number + ".", StringComparison.Ordinal);

        Assert.NotEqual(address, tampered);
        Assert.Null(Addresses.ConversationOf(tampered));
    }

    [Fact]
    public void Tampered_message_id_is_rejected()
    {
        var address = Addresses.ForBounces(Message);
        var tampered = address.Replace("0f8fad5b", "0f8fad5c", StringComparison.Ordinal);

        Assert.NotEqual(address, tampered);
        Assert.Null(Addresses.BouncedMessageOf(tampered));
    }

    [Fact]
    public void A_conversation_token_is_not_read_as_a_bounce_token_or_the_other_way_round()
    {
        var conversation = Addresses.ForConversation(12);
        var asBounce = conversation.Replace("+c12.", "+b12.", StringComparison.Ordinal);

        Assert.Null(Addresses.BouncedMessageOf(asBounce));
        Assert.Null(Addresses.ConversationOf(asBounce));
    }

    [Fact]
    public void Upper_cased_addresses_are_accepted_when_the_mac_is_right()
    {
        var conversation = Addresses.ForConversation(12);
        var bounce = Addresses.ForBounces(Message);

        Assert.Equal(12, Addresses.ConversationOf(conversation.ToUpperInvariant()));
        Assert.Equal(12, Addresses.ConversationOf("Support+C12." + Mac(conversation).ToUpperInvariant() + "@Example.Test"));
        Assert.Equal(Message, Addresses.BouncedMessageOf(bounce.ToUpperInvariant()));
    }

    [Fact]
    public void Upper_cased_addresses_with_a_wrong_mac_are_rejected()
    {
        Assert.Null(Addresses.ConversationOf("SUPPORT+C12.DEADBEEF@EXAMPLE.TEST"));
        Assert.Null(Addresses.ConversationOf(Addresses.ForConversation(13).ToUpperInvariant().Replace("+C13.", "+C12.", StringComparison.Ordinal)));
        Assert.Null(Addresses.BouncedMessageOf(Addresses.ForBounces(Message).ToUpperInvariant().Replace("0F8FAD5B", "0F8FAD5C", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_configured_local_part_in_capitals_still_matches()
    {
        var upper = new ReplyAddresses("Support", "Example.Test", Key);

        Assert.Equal(12, upper.ConversationOf(Addresses.ForConversation(12)));
        Assert.Equal(12, Addresses.ConversationOf(upper.ForConversation(12)));
    }

    [Fact]
    public void Different_keys_do_not_verify_each_other()
    {
        var other = new ReplyAddresses("support", "example.test", OtherKey);

        Assert.NotEqual(Addresses.ForConversation(12), other.ForConversation(12));
        Assert.Null(other.ConversationOf(Addresses.ForConversation(12)));
        Assert.Null(Addresses.ConversationOf(other.ForConversation(12)));
        Assert.Null(other.BouncedMessageOf(Addresses.ForBounces(Message)));
        Assert.Null(Addresses.BouncedMessageOf(other.ForBounces(Message)));
    }

    [Theory]
    [InlineData("support@example.test")]
    [InlineData("support+@example.test")]
    [InlineData("support+c@example.test")]
    [InlineData("support+c.12345678@example.test")]
    [InlineData("support+cabc.12345678@example.test")]
    [InlineData("Sara <sara@elsewhere.test>")]
    public void Malformed_addresses_are_rejected(string address)
    {
        Assert.Null(Addresses.ConversationOf(address));
        Assert.Null(Addresses.BouncedMessageOf(address));
    }

    private static string Mac(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return address[(address.LastIndexOf('.', at) + 1)..at];
    }
}
