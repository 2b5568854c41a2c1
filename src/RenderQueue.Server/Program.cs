using RenderQueue.Server;
using RenderQueue.Server.Api;
using RenderQueue.Server.Auth;
using RenderQueue.Server.Commands;
using RenderQueue.Server.Configuration;
using RenderQueue.Server.Dashboard;
using RenderQueue.Server.Demo;
using RenderQueue.Server.Errors;
using RenderQueue.Server.Tracing;

if (KeysCommand.Matches(args)) return await KeysCommand.RunAsync(args, Console.Out, Console.Error);

// The content root is the app's own folder, so the published server finds its appsettings.json from any working
// directory; data paths stay relative to the working directory.
args = DemoMode.Take(args, out var demo);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables(prefix: "RENDERQUEUE__").AddCommandLine(args); // the command line still wins

builder.Services.AddSingleton(OffsetClock.From(builder.Configuration)); // the system clock unless a fault test offsets it
builder.Services.AddRenderQueueOptions();
builder.Services.AddRenderQueueStore(builder.Configuration);
builder.Services.AddRenderQueueHttp();
builder.Services.AddRenderQueueAuth();
builder.Services.AddLeaseDispatch();
builder.Services.AddEventFeed();
builder.Services.AddArtifactStorage();
builder.Services.AddRenderQueueMetrics();
builder.Services.AddHousekeeping();
builder.Services.AddWebhooks();
builder.Services.AddRenderQueueTracing(builder.Configuration);
builder.Services.AddDemo(demo, builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDashboard();
app.UseWebSockets();
app.UseRouting();
app.UseAuthentication();
app.UseSessionCsrfCheck();
app.UseRateLimiter();
app.UseAuthorization();
app.UseRequestBodyLimits();

app.MapJobs();
app.MapArtifacts();
app.MapLeases();
app.MapWorkers();
app.MapQueues();
app.MapStats();
app.MapEvents();
app.MapOperations();
app.MapWebhooks();
app.MapKeys();
app.MapSession();
app.MapOpenApi().AllowAnonymous();

app.LogWhereEverythingIs();
try
{
    await app.RunAsync();
}
catch (UnsafeBindingException)
{
    return SafeBindingCheck.RefusedExitCode; // said in the log, with what to do
}
return Environment.ExitCode;

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
