using System.Collections.Concurrent;

namespace Crm.Hub.Campaigns;

/// <summary>
/// Lets the API stop a campaign's runner at once (pause, cancel) instead of at its next look at the database: the runner
/// registers while it runs and its token fires when someone stops it.
/// </summary>
internal sealed class CampaignControl
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public CancellationTokenSource Register(Guid campaignId, CancellationToken jobToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(jobToken);
        _running[campaignId] = source;
        return source;
    }

    public void Unregister(Guid campaignId, CancellationTokenSource source) => _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(campaignId, source));

    public void Stop(Guid campaignId)
    {
        if (_running.TryGetValue(campaignId, out var source))
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The runner finished as we stopped it.
            }
            catch (AggregateException)
            {
                // A callback of the runner's token threw: the token is cancelled all the same, and the runner stops.
            }
        }
    }
}
