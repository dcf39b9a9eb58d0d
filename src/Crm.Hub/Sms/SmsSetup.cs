using Crm.Channels;
using Crm.Channels.Sms;
using Crm.Hub.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Sms;

internal static class SmsSetup
{
    /// <summary>SMS over the Twilio protocol. A hub without <c>Crm:Channels:Sms</c> settings simply has no SMS.</summary>
    public static IServiceCollection AddSms(this IServiceCollection services)
    {
        services.AddOptions<HubOptions>().BindConfiguration("Crm")
            .Validate(o => HubOptions.IsValidBaseUrl(o.PublicBaseUrl), "Crm:PublicBaseUrl must be an absolute http(s) URL without a query, e.g. https://crm.example.com.")
            .ValidateOnStart();
        services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section)
            .Validate(o => IsOffOrComplete(o), "Crm:Channels:Sms is partly configured: AccountSid, AuthToken and From (or MessagingServiceSid) are all required.")
            .Validate(o => o.Provider == "Twilio", "Crm:Channels:Sms:Provider must be Twilio (the only SMS provider so far).")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Crm:Channels:Sms:ApiBaseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(TwilioSmsGateway), http => http.Timeout = TimeSpan.FromSeconds(15));
        services.AddTransient<ISmsGateway>(sp => new TwilioSmsGateway(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioSmsGateway)), sp.GetRequiredService<IOptionsMonitor<SmsOptions>>().CurrentValue));
        services.AddSingleton<IChannelSender, SmsChannelSender>();
        return services;
    }

    private static bool IsOffOrComplete(SmsOptions o) =>
        o.IsConfigured || (string.IsNullOrWhiteSpace(o.AccountSid) && string.IsNullOrWhiteSpace(o.AuthToken)
            && string.IsNullOrWhiteSpace(o.From) && string.IsNullOrWhiteSpace(o.MessagingServiceSid));
}
