namespace Crm.Hub.Ui;

/// <summary>The console (a built single-page app under wwwroot/app), the widget demo page and the root redirect.</summary>
internal static class UiEndpoints
{
    public static IEndpointRouteBuilder MapUi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => TypedResults.Redirect("/app/")).ExcludeFromDescription();
        routes.MapGet("/demo", (IWebHostEnvironment env) => StaticPage(env, "demo.html")).ExcludeFromDescription();
        routes.MapGet("/app/{**path}", (IWebHostEnvironment env) => StaticPage(env, "app/index.html")).ExcludeFromDescription();
        return routes;
    }

    private static IResult StaticPage(IWebHostEnvironment env, string path)
    {
        var file = env.WebRootFileProvider.GetFileInfo(path);
        if (!file.Exists || file.PhysicalPath is null)
        {
            return TypedResults.Problem(title: "The web UI is not built",
                detail: "Build it with `dotnet build` (which runs `npm ci && npm run build` in src/Crm.Hub/ClientApp).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return TypedResults.PhysicalFile(file.PhysicalPath, "text/html; charset=utf-8");
    }
}
