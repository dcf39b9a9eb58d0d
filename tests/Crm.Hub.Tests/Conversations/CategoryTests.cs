using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Conversations;

/// <summary>An agent gives a conversation a category; the change is an event, and segments that look for complaints find the contact.</summary>
public sealed class CategoryTests(HubServer hub) : IClassFixture<HubServer>
{
    [Fact]
    public async Task AnAgentCategorizesAConversationAndAComplaintSegmentFindsTheContact()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        Assert.Equal(["complaint", "suggestion", "inquiry", "order", "support"],
            (await admin.GetFromJsonAsync<string[]>("/api/v1/conversations/categories"))!);
        var conversation = await hub.VisitorWritesAsync("My parcel arrived broken!");
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation}");
        var contact = view.GetProperty("contactId").GetGuid();

        var bad = await admin.PutAsJsonAsync($"/api/v1/conversations/{conversation}/category", new { category = "rant" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'rant' is not a category", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var set = await admin.PutAsJsonAsync($"/api/v1/conversations/{conversation}/category", new { category = "Complaint" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("complaint", (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("category").GetString());

        // The change is in the event list (for reports), and "complained in the last 30 days" now finds the contact.
        var sync = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sync?since=0");
        Assert.Contains(sync.GetProperty("events").EnumerateArray(), e => e.GetProperty("conversationId").GetString() == conversation.ToString()
            && e.GetProperty("data").TryGetProperty("category", out var category) && category.GetString() == "complaint");
        var complained = new { match = "all", conditions = new[] { new { field = "complained", @operator = "within", days = 30 } } };
        var count = await admin.PostAsJsonAsync("/api/v1/segments/count", complained);
        Assert.Equal(HttpStatusCode.OK, count.StatusCode);
        Assert.Equal(1, (await count.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());

        var cleared = await admin.PutAsJsonAsync($"/api/v1/conversations/{conversation}/category", new { category = (string?)null });
        Assert.Equal(JsonValueKind.Null, (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("category").ValueKind);
        var none = await admin.PostAsJsonAsync("/api/v1/segments/count", complained);
        Assert.Equal(0, (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        Assert.NotEqual(Guid.Empty, contact);
    }
}
