namespace Crm.Hub.Reports;

internal static class ReportsSetup
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<FactsProjector>();
        services.AddHostedService(sp => sp.GetRequiredService<FactsProjector>());
        return services;
    }
}
