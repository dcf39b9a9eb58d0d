using Crm.Channels;
using Crm.Channels.Sms;
using Crm.Hub.Hosting;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Sms;

/// <summary>The outbox's way out for SMS: the configured gateway, with Twilio calling back on the status webhook.</summary>
internal sealed class SmsChannelSender(IServiceScopeFactory scopes, IOptionsMonitor<SmsOptions> sms, IOptions<HubOptions> hub, TimeProvider time) : IChannelSender
{
    public string Channel => ChannelNames.Sms;

    // A provider cannot tell a repeated request from a new message: after a crash mid-send the outcome is unknown.
    public bool IsIdempotent => false;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!sms.CurrentValue.IsConfigured)
        {
            return SendResult.Permanent("SMS is not configured on this hub (Crm:Channels:Sms).");
        }
        await using var scope = scopes.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<ISmsGateway>();
        var result = await gateway.SendAsync(message.To.Address, message.Body, new Uri(hub.Value.Url(SmsWebhooks.StatusPath)), cancellationToken);
        if (result is { Outcome: SendOutcome.PermanentFailure, Error: { } error } && error.StartsWith(TwilioSmsGateway.OptedOutPrefix, StringComparison.Ordinal))
        {
            // Twilio 21610: the customer texted STOP; mirror it so no reply or campaign tries again until START.
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.ChannelIdentities
                .Where(i => i.Channel == ChannelNames.Sms && i.Address == message.To.Address && i.OptedOutAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.OptedOutAt, time.GetUtcNow()), cancellationToken);
        }
        return result;
    }
}
