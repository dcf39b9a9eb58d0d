namespace Crm.Hub.OptOut;

internal static class OptOutSetup
{
    public static IServiceCollection AddOptOut(this IServiceCollection services)
    {
        services.AddSingleton<UnsubscribeLinks>();
        return services;
    }
}
