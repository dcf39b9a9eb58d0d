using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Surveys;

/// <summary>The survey of a resolved conversation is sent once, by whichever process is running when it is due — across SIGKILLs.</summary>
public sealed class SurveyRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-survey-crash", Guid.NewGuid().ToString("N"));

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Crm__Bootstrap__AdminEmail"] = HubServer.AdminEmail,
        ["Crm__Bootstrap__AdminPassword"] = HubServer.AdminPassword,
        ["Crm__Surveys__DelayAfterResolve"] = "00:00:03",
        ["Crm__Surveys__SweepInterval"] = "00:00:00.100",
    };

    public SurveyRestartTests() => Directory.CreateDirectory(_dataDirectory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<HttpClient> AdminAsync(Uri baseAddress)
    {
        var api = new HttpClient { BaseAddress = baseAddress };
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email = HubServer.AdminEmail, password = HubServer.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task<int> OutboundCountAsync(HttpClient api, Guid id) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}/messages")).EnumerateArray()
            .Count(m => m.GetProperty("direction").GetString() == "outbound");

    [Fact]
    public async Task AConversationResolvedBeforeACrashIsSurveyedOnceAfterIt()
    {
        Guid id;
        await using (var first = new HubProcess(_dataDirectory, Settings))
        {
            await first.StartAsync();
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            var session = await (await http.PostAsJsonAsync("/api/v1/widget/session", new { name = "Restart Reza" })).Content.ReadFromJsonAsync<JsonElement>();
            await using (var visitor = new HubConnectionBuilder()
                .WithUrl(new Uri(first.BaseAddress, $"/hubs/visitor?visitor_token={Uri.EscapeDataString(session.GetProperty("visitorToken").GetString()!)}"),
                    o => o.Transports = HttpTransportType.WebSockets)
                .Build())
            {
                await visitor.StartAsync();
                await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "thanks, that is all" });
            }
            using var admin = await AdminAsync(first.BaseAddress);
            id = await Wait.UntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
                .Select(c => (Guid?)c.GetProperty("id").GetGuid()).FirstOrDefault());
            (await admin.PostAsync($"/api/v1/conversations/{id}/resolve", null)).EnsureSuccessStatusCode();
            // Killed within the three-second delay: nothing was due yet.
            Assert.Equal(HttpStatusCode.NoContent, (await admin.GetAsync($"/api/v1/conversations/{id}/survey")).StatusCode);
            await first.KillAsync();
        }

        await using (var second = new HubProcess(_dataDirectory, Settings))
        {
            await second.StartAsync();
            using var admin = await AdminAsync(second.BaseAddress);
            var survey = await Wait.UntilAsync(async () =>
            {
                var response = await admin.GetAsync($"/api/v1/conversations/{id}/survey");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
            }, TimeSpan.FromSeconds(20));
            Assert.Equal("sent", survey.GetProperty("state").GetString());
            Assert.Equal(1, await OutboundCountAsync(admin, id));
            await second.KillAsync();
        }

        await using var third = new HubProcess(_dataDirectory, Settings);
        await third.StartAsync();
        using var api = await AdminAsync(third.BaseAddress);
        // Several sweeps of the new process later, still the one survey.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await OutboundCountAsync(api, id));
    }
}
