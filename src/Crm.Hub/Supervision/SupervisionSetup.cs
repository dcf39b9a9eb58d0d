namespace Crm.Hub.Supervision;

internal static class SupervisionSetup
{
    /// <summary>The live supervisor board: its inbox, catch-up, loop and the presence history it reads occupancy from.</summary>
    public static IServiceCollection AddSupervisorBoard(this IServiceCollection services)
    {
        services.AddSingleton<BoardFeed>();
        services.AddSingleton<BoardCatchUp>();
        services.AddSingleton<PresenceHistory>();
        services.AddSingleton<SupervisorBoard>();
        services.AddHostedService(sp => sp.GetRequiredService<SupervisorBoard>());
        return services;
    }
}
