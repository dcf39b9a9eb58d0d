namespace Crm.Hub.Channels;

/// <summary>
/// A channel setting entered on the admin page, e.g. <c>Crm:Channels:Sms:AuthToken</c>. It overrides the same key
/// from appsettings or the environment, and takes effect without a restart.
/// </summary>
internal sealed class ChannelSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedByAgentId { get; set; }
}
