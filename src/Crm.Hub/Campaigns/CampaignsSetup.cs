using Crm.Hub.Campaigns.Pacing;

namespace Crm.Hub.Campaigns;

internal static class CampaignsSetup
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SenderPacer>();
        return services;
    }
}
