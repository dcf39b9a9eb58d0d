using Crm.Hub.Agents;
using Crm.Hub.Attachments;
using Crm.Hub.Auth;
using Crm.Hub.Campaigns;
using Crm.Hub.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Email;
using Crm.Hub.Fax;
using Crm.Hub.Conversations;
using Crm.Hub.Health;
using Crm.Hub.Metrics;
using Crm.Hub.OptOut;
using Crm.Hub.Realtime;
using Crm.Hub.Reminders;
using Crm.Hub.Register;
using Crm.Hub.Reports;
using Crm.Hub.Routing;
using Crm.Hub.Routing.WhatIf;
using Crm.Hub.Scheduling;
using Crm.Hub.Segments;
using Crm.Hub.Sms;
using Crm.Hub.Supervision;
using Crm.Hub.Storage;
using Crm.Hub.Surveys;
using Crm.Hub.Telegram;
using Crm.Hub.Templates;
using Crm.Hub.Ui;
using Crm.Hub.WebChat;

var builder = WebApplication.CreateBuilder(args);

builder.AddChannelSettings();
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => WireJson.Configure(o.SerializerOptions));
builder.Services.AddOpenApi();
builder.Services.AddStorage();
builder.Services.AddStaffAuth();
builder.Services.AddConversations();
builder.Services.AddAttachments();
builder.Services.AddWebChat();
builder.Services.AddSms();
builder.Services.AddTelegram();
builder.Services.AddFax();
builder.Services.AddEmail();
builder.Services.AddContacts();
builder.Services.AddContactImports();
builder.Services.AddSegments();
builder.Services.AddHubHealth();
builder.AddScheduling();
builder.Services.AddCampaigns();
builder.Services.AddCampaignTemplates();
builder.Services.AddOptOut();
builder.Services.AddReminders();
builder.Services.AddServiceMetrics();
builder.Services.AddSurveys();
builder.Services.AddSupervisorBoard();
builder.Services.AddReports();

var app = builder.Build();

await app.MigrateDatabaseAsync();
await app.LoadChannelSettingsAsync();
await app.LoadRoutingQueuesAsync();
if (WhatIfCommand.IsRequested(args))
{
    Environment.ExitCode = await WhatIfCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
    return;
}
await app.EnsureFirstAdminAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
// Routing after static files: the console's catch-all route must not swallow its own assets.
app.UseRouting();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOpenApi("/openapi/{documentName}.json");
app.UseSwaggerUI(o =>
{
    o.RoutePrefix = "docs";
    o.SwaggerEndpoint("/openapi/v1.json", "Crm.Hub API v1");
});
app.MapAuthApi();
app.MapConversationsApi();
app.MapContactsApi();
app.MapContactImportsApi();
app.MapSegmentsApi();
app.MapAttachmentsApi();
app.MapAgentsApi();
app.MapTeamsApi();
app.MapSyncApi();
app.MapWebChat();
app.MapSmsWebhooks();
app.MapTelegramWebhook();
app.MapFaxWebhooks();
app.MapEmailQuarantineApi();
app.MapChannelAdminApi();
app.MapQueuesApi();
app.MapPolicyVersionsApi();
app.MapWhatIfApi();
app.MapTemplatesApi();
app.MapSavedTemplatesApi();
app.MapSurveys();
app.MapCampaignsApi();
app.MapOptOut();
app.MapRemindersApi();
app.MapHubHealth();
app.MapSupervisorBoard();
app.MapReportsApi();
app.MapRegisterApi();
app.MapUi();

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"Crm.Hub is running: console {string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + "/app/"))}, widget demo /demo, API docs /docs"));

await app.RunAsync();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
