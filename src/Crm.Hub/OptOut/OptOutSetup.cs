namespace Crm.Hub.OptOut;

internal static class OptOutSetup
{
    public static IServiceCollection AddOptOut(this IServiceCollection services)
    {
        services.AddSingleton<UnsubscribeLinks>();
        services.AddScoped<Suppressions>();
        return services;
    }

    public static IEndpointRouteBuilder MapOptOut(this IEndpointRouteBuilder routes)
    {
        routes.MapUnsubscribe();
        routes.MapSuppressionsApi();
        return routes;
    }
}
