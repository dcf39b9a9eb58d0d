using Crm.Channels;
using Crm.Channels.Fax;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Fax;

internal static class FaxSetup
{
    /// <summary>Fax through an HTTP fax provider (Phaxio's v2.1 API). A hub without <c>Crm:Channels:Fax</c> settings has no fax.</summary>
    public static IServiceCollection AddFax(this IServiceCollection services)
    {
        services.AddOptions<FaxOptions>().BindConfiguration(FaxOptions.Section)
            .Validate(o => o.IsConfigured || (string.IsNullOrWhiteSpace(o.ApiKey) && string.IsNullOrWhiteSpace(o.ApiSecret)
                    && string.IsNullOrWhiteSpace(o.CallbackToken) && string.IsNullOrWhiteSpace(o.From)),
                "Crm:Channels:Fax is partly configured: ApiKey, ApiSecret, CallbackToken and From are all required.")
            .Validate(o => o.Provider == "Phaxio", "Crm:Channels:Fax:Provider must be Phaxio (the only fax provider so far).")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Crm:Channels:Fax:ApiBaseUrl must be an absolute URL.")
            .Validate(o => o.HeaderText is null || o.HeaderText.Length <= 50, "Crm:Channels:Fax:HeaderText is at most 50 characters.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(PhaxioFaxGateway), http => http.Timeout = TimeSpan.FromSeconds(60));
        services.AddTransient<IFaxGateway>(sp => new PhaxioFaxGateway(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(PhaxioFaxGateway)), sp.GetRequiredService<IOptionsMonitor<FaxOptions>>().CurrentValue));
        services.AddSingleton<IChannelSender, FaxChannelSender>();
        return services;
    }
}
