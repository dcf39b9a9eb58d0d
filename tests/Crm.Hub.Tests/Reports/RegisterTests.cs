using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// The complaints and suggestions register: a queue files what it takes under a category by rule, an agent files one by hand,
/// and a supervisor moves entries through open → in progress → resolved with an owner.
/// </summary>
public sealed class RegisterTests(HubServer hub) : IClassFixture<HubServer>
{
    [Fact]
    public async Task AQueueRuleFilesComplaintsAndSupervisorsWorkThroughTheRegister()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var (owner, _) = await hub.CreateAgentAsync("Owner");
        var queue = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Refunds", order = 0, keywords = new[] { "refund" }, setsCategory = "Complaint",
        });
        Assert.Equal(HttpStatusCode.Created, queue.StatusCode);
        Assert.Equal("complaint", (await queue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("setsCategory").GetString());

        var complaint = await hub.VisitorWritesAsync("I want a refund for the broken kettle");
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{complaint}");
        Assert.Equal("complaint", view.GetProperty("category").GetString());
        var suggestion = await hub.VisitorWritesAsync("You could open on Fridays");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/conversations/{suggestion}/category", new { category = "suggestion" })).StatusCode);
        var plain = await hub.VisitorWritesAsync("What time is it?");

        async Task<List<JsonElement>> ListAsync(string query) =>
            [.. (await admin.GetFromJsonAsync<JsonElement>("/api/v1/register?" + query)).EnumerateArray()];
        // Other tests of this class file entries too: look only at this test's conversations.
        Guid[] mine = [complaint, suggestion, plain];
        List<Guid> Ids(List<JsonElement> items) => [.. items.Select(i => i.GetProperty("conversationId").GetGuid()).Where(mine.Contains)];

        var entry = Assert.Single(await ListAsync("kind=complaint"), i => i.GetProperty("conversationId").GetGuid() == complaint);
        Assert.Equal("open", entry.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("ownerId").ValueKind);
        Assert.Equal(new[] { complaint, suggestion }.Order(), Ids(await ListAsync("")).Order());
        Assert.Equal([complaint], Ids(await ListAsync("kind=complaint")));
        Assert.Equal([suggestion], Ids(await ListAsync("kind=suggestion")));
        Assert.DoesNotContain(plain, Ids(await ListAsync("")));

        var taken = await admin.PutAsJsonAsync($"/api/v1/register/{complaint}", new { status = "inProgress", ownerId = owner, note = "Calling the customer" });
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var updated = await taken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("inProgress", updated.GetProperty("status").GetString());
        Assert.Equal("Owner", updated.GetProperty("ownerName").GetString());

        Assert.Equal([complaint], Ids(await ListAsync($"status=inProgress&owner={owner}")));
        Assert.Equal([suggestion], Ids(await ListAsync("status=open")));
        Assert.Equal([suggestion], Ids(await ListAsync("owner=none")));
        Assert.Empty(Ids(await ListAsync("status=resolved")));

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/register/{complaint}", new { status = "resolved", ownerId = owner })).StatusCode);
        var resolved = Assert.Single(await ListAsync("status=resolved"), i => i.GetProperty("conversationId").GetGuid() == complaint);
        Assert.Equal("Calling the customer", resolved.GetProperty("note").GetString());
    }

    [Fact]
    public async Task BadRegisterRequestsAreRefusedWithTheReason()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var suggestion = await hub.VisitorWritesAsync("Idea: a loyalty card");
        await admin.PutAsJsonAsync($"/api/v1/conversations/{suggestion}/category", new { category = "suggestion" });
        var plain = await hub.VisitorWritesAsync("Just saying hello");

        async Task Refused(HttpResponseMessage response, string field, string reason)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        }

        await Refused(await admin.GetAsync("/api/v1/register?kind=rant"), "kind", "'rant' is not a register kind");
        await Refused(await admin.GetAsync("/api/v1/register?status=closed"), "status", "'closed' is not a status");
        await Refused(await admin.GetAsync("/api/v1/register?owner=someone"), "owner", "'someone' is not an owner");
        await Refused(await admin.PutAsJsonAsync($"/api/v1/register/{suggestion}", new { status = "closed" }), "status", "'closed' is not a status");
        await Refused(await admin.PutAsJsonAsync($"/api/v1/register/{suggestion}", new { ownerId = Guid.NewGuid() }), "ownerId", "There is no active agent");
        await Refused(await admin.PutAsJsonAsync($"/api/v1/register/{plain}", new { status = "resolved" }), "conversationId", "is not filed as a complaint or suggestion");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/v1/register/{Guid.NewGuid()}", new { status = "resolved" })).StatusCode);

        var (_, token) = await hub.CreateAgentAsync("NotASupervisor");
        using var agent = hub.Client(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/register")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync($"/api/v1/register/{suggestion}", new { status = "resolved" })).StatusCode);
    }
}
