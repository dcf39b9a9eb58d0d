namespace Crm.Hub.Metrics;

internal static class MetricsSetup
{
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations()
            .Validate(o => MetricsOptions.IsKnownTimeZone(o.TimeZone), "Crm:Metrics:TimeZone must be an IANA time zone such as Europe/Berlin or Asia/Tehran.")
            .ValidateOnStart();
        services.AddSingleton<MetricsSettingsSource>();
        return services;
    }
}
