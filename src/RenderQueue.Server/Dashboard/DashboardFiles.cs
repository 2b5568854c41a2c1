namespace RenderQueue.Server.Dashboard;

/// <summary>
/// The dashboard: static files from <c>wwwroot</c> beside the binary, <c>/</c> serving <c>index.html</c>. The files are
/// not fingerprinted, so browsers revalidate them (ETag) and pick up a new version at once. A strict Content Security
/// Policy allows only this origin's scripts and styles: even text that escaped escaping could not run.
/// </summary>
internal static class DashboardFiles
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => AddHeaders(context.Context.Response) });
        return app;
    }

    private static void AddHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
