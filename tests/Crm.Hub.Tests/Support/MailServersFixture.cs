namespace Crm.Hub.Tests.Support;

/// <summary>xunit class/collection fixture around <see cref="MailServers"/>.</summary>
public sealed class MailServersFixture : IAsyncLifetime
{
    private MailServers? _servers;

    public MailServers Servers => _servers ?? throw new InvalidOperationException("The mail servers are not started yet.");

    public async Task InitializeAsync() => _servers = await MailServers.StartAsync();

    public async Task DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
