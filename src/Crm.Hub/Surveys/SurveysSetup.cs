using Crm.Hub.Templates;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Hub.Surveys;

internal static class SurveysSetup
{
    /// <summary>Surveys after resolution, their answers in every channel, and supervisors' follow-up tasks.</summary>
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddOptions<SurveyOptions>().BindConfiguration(SurveyOptions.Section).ValidateDataAnnotations()
            .Validate(o => QueueSurveys.Parse(o.DefaultKind, out _), "Crm:Surveys:DefaultKind is none, csat, nps or ces.")
            .ValidateOnStart();
        services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.Section);
        services.TryAddSingleton<MessageTemplates>();
        services.AddSingleton<SurveyLinks>();
        services.AddScoped<SurveySender>();
        services.AddSingleton<SurveySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<SurveySweep>());
        return services;
    }

    public static IEndpointRouteBuilder MapSurveys(this IEndpointRouteBuilder routes)
    {
        routes.MapSurveysApi();
        routes.MapFollowUpsApi();
        routes.MapSurveyPage();
        return routes;
    }
}
