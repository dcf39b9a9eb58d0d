namespace Crm.Channels.Tests;

public sealed class DeliveryStatusRulesTests
{
    [Theory]
    [InlineData(DeliveryStatus.Pending, DeliveryStatus.Sent, true)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Delivered, true)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Read, true)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Sent, false)]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Delivered, false)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Failed, true)]
    [InlineData(DeliveryStatus.Read, DeliveryStatus.Failed, false)]
    [InlineData(DeliveryStatus.Failed, DeliveryStatus.Delivered, false)]
    [InlineData(DeliveryStatus.Sent, DeliveryStatus.Sent, false)]
    public void StatusesOnlyMoveForward(DeliveryStatus current, DeliveryStatus next, bool allowed) =>
        Assert.Equal(allowed, current.CanMoveTo(next));
}
