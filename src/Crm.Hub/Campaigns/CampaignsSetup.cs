using Crm.Hub.Campaigns.Pacing;

namespace Crm.Hub.Campaigns;

internal static class CampaignsSetup
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations()
            .Validate(o => CampaignRules.TryZone(o.DefaultTimeZone, out _), "Crm:Campaigns:DefaultTimeZone must be an IANA time zone such as UTC or Asia/Tehran.")
            .ValidateOnStart();
        services.AddSingleton<SenderPacer>();
        services.AddSingleton<CampaignSenders>();
        services.AddSingleton<CampaignControl>();
        services.AddSingleton<CampaignProgress>();
        services.AddSingleton<CampaignRunner>();
        services.AddSingleton<CampaignLifecycle>();
        services.AddTransient<CampaignJob>();
        return services;
    }
}
