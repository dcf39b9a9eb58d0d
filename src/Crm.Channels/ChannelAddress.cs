namespace Crm.Channels;

/// <summary>
/// Where a customer can be reached: the channel, the business account on that channel
/// (a phone number, mailbox, bot; "default" when there is one) and the customer's normalized address.
/// </summary>
public sealed record ChannelAddress(string Channel, string AccountId, string Address);
