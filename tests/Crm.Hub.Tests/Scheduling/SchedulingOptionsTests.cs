using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Scheduling;

public sealed class SchedulingOptionsTests
{
    [Theory]
    [InlineData("Crm:Scheduling:Clustered", "true", "Crm:Scheduling:Clustered needs Crm:Database:Provider=Postgres")]
    [InlineData("Crm:Scheduling:MisfireThresholdSeconds", "0", "Crm:Scheduling:MisfireThresholdSeconds must be between 1 and 3600")]
    public async Task BadSchedulingSettingStopsStartUpNamingTheKey(string key, string value, string message)
    {
        var hub = new HubWith(key, value);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(hub.InitializeAsync);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private sealed class HubWith(string key, string value) : HubServer
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { [key] = value };
    }
}
