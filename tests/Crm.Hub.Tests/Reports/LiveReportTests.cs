using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Reports;

/// <summary>Reports over conversations made through the real API, today: FCR is provisional until its window closes, and the contact writing again breaks it.</summary>
public sealed class LiveReportTests(HubServer hub) : IClassFixture<HubServer>
{
    [Fact]
    public async Task AFreshResolutionIsProvisionalUntilTheContactComesBack()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var visitorToken = await hub.NewVisitorAsync("Parisa");
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "Where is my order?" });
        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        var conversation = session.GetProperty("conversationId").GetGuid();
        (await admin.PostAsync($"/api/v1/conversations/{conversation}/resolve", null)).EnsureSuccessStatusCode();

        var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;
        var period = $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        var fcr = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/reports/summary?{period}&by=channel")).GetProperty("total").GetProperty("fcr");
        Assert.Equal(1, fcr.GetProperty("provisional").GetInt32());
        Assert.Equal(JsonValueKind.Null, fcr.GetProperty("rate").ValueKind);
        Assert.Equal(100m, fcr.GetProperty("provisionalRate").GetDecimal());

        var csv = (await admin.GetStringAsync($"/api/v1/reports/conversations.csv?{period}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = csv[0].Split(',');
        var row = header.Zip(csv[1].Split(',')).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal("provisional", row["fcr"]);
        var resolvedAt = DateTimeOffset.Parse(row["resolved_at"], CultureInfo.InvariantCulture);
        Assert.Equal(resolvedAt.AddDays(7), DateTimeOffset.Parse(row["fcr_final_at"], CultureInfo.InvariantCulture));

        // The customer writes again: whether that reopens the conversation or opens a new one, it was not resolved on first contact.
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "Still not here!" });
        // The message is committed by the ingest writer a moment after Send returns; the report reads whatever is committed.
        JsonElement again = default;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            again = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/reports/summary?{period}")).GetProperty("total").GetProperty("fcr");
            if (again.GetProperty("notFirstContact").GetInt32() == 1)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(1, again.GetProperty("notFirstContact").GetInt32());
        Assert.Equal(0, again.GetProperty("provisional").GetInt32());
    }
}
