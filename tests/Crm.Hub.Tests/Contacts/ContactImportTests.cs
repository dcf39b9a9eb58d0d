using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Contacts;

/// <summary>A hub whose numbers default to Iran (national numbers, Persian digits), with small batches and a small upload cap.</summary>
public sealed class ImportHub : HubServer
{
    public const int MaxUploadBytes = 200_000;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:Phones:DefaultRegion"] = "IR",
        ["Crm:Imports:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Crm:Imports:BatchSize"] = "3",
    };
}

/// <summary>
/// CSV import end to end: upload and preview, the mapping confirmed, the background run with progress pushed and readable,
/// duplicates merged into existing contacts by the stated rule, bad rows reported (never a crash), bad mappings refused.
/// </summary>
public sealed class ContactImportTests(ImportHub hub) : IClassFixture<ImportHub>
{
    private async Task<HttpClient> MarketerAsync()
    {
        var (_, token) = await hub.CreateAgentAsync("Marketer", role: "marketer");
        return hub.Client(token);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient api, string csv, string fileName = "contacts.csv") =>
        await UploadAsync(api, Encoding.UTF8.GetBytes(csv), fileName);

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient api, byte[] bytes, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await api.PostAsync("/api/v1/contact-imports", form);
    }

    private static async Task<JsonElement> WaitDoneAsync(HttpClient api, Guid id)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var view = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contact-imports/{id}");
            var status = view.GetProperty("status").GetString();
            if (status is "completed" or "failed" || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return view;
            }
            await Task.Delay(100);
        }
    }

    private static object Mapping(bool hasHeader, params object[] columns) => new { hasHeader, columns };

    private static async Task<JsonElement> ProfileAsync(HttpClient api, Guid contactId) =>
        await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{contactId}/profile");

    private static async Task<Guid> ContactByAsync(HttpClient api, string search)
    {
        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?search={Uri.EscapeDataString(search)}");
        return Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task ASemicolonFileIsPreviewedMappedImportedAndReportedRowByRow()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var tag = $"spring{Guid.NewGuid():N}"[..20];
        var csv = string.Join("\r\n",
            "First name;Last name;Mobile;Email;Tags;Language;Time zone;SMS consent;Loyalty Tier",
            $"Sara;Ahmadi;۰۹۱۲ ۱۲۳ ۴۵۶۷;sara@example.test;{tag},VIP;fa;Asia/Tehran;yes;gold",
            $"Reza;Karimi;not a number;reza@example.test;{tag};fa;;;silver",
            $"Mina;Rahimi;09121234568;mina@@example;{tag};fa;;;",
            $"Omid;\"Broken;09121234569;omid@example.test;{tag};fa;;;",
            $"Sara again;;+989121234567;;{tag}, returning;en;Europe/London;no;platinum",
            $"Nima;Sadeghi;;nima@example.test;{tag};xx;;;",
            $"Lida;;00989121234570;LIDA@Example.test;{tag};en;;;",
            $"Arash;;09121234571;arash@example.test;{tag};fa;;maybe;",
            ";;;;;;;;") + "\r\n";

        using var uploaded = await UploadAsync(admin, csv);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var preview = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(";", preview.GetProperty("delimiter").GetString());
        Assert.True(preview.GetProperty("hasHeader").GetBoolean());
        Assert.Equal("Mobile", preview.GetProperty("headers")[2].GetString());
        Assert.Equal("Sara", preview.GetProperty("rows")[0][0].GetString());
        var suggested = preview.GetProperty("suggestedMapping").EnumerateArray()
            .ToDictionary(c => c.GetProperty("column").GetInt32(), c => c.GetProperty("field").GetString());
        Assert.Equal(["firstName", "lastName", "phone", "email", "tags", "locale", "timeZone", "consent", "attribute"],
            Enumerable.Range(0, 9).Select(i => suggested[i]!).ToArray());
        var loyalty = preview.GetProperty("suggestedMapping")[8];
        Assert.Equal("loyalty_tier", loyalty.GetProperty("key").GetString());
        Assert.Equal("sms", preview.GetProperty("suggestedMapping")[7].GetProperty("channel").GetString());
        var id = preview.GetProperty("id").GetGuid();

        // The console of the user who started it gets the progress as it happens.
        var pushes = new List<JsonElement>();
        await using var connection = hub.AgentConnection(await hub.TokenAsync());
        connection.On<JsonElement>("ContactImportProgress", e => { lock (pushes) { pushes.Add(e); } });
        await connection.StartAsync();
        using var started = await admin.PostAsJsonAsync($"/api/v1/contact-imports/{id}/start",
            new { hasHeader = true, columns = preview.GetProperty("suggestedMapping") });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var done = await WaitDoneAsync(admin, id);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(9, done.GetProperty("totalRows").GetInt32());
        Assert.Equal(9, done.GetProperty("rowsDone").GetInt32());
        // Sara and Lida are created; "Sara again" has Sara's number (once in Persian digits, once E.164): merged into Sara.
        Assert.Equal(2, done.GetProperty("created").GetInt32());
        Assert.Equal(1, done.GetProperty("updated").GetInt32());
        Assert.Equal(6, done.GetProperty("skipped").GetInt32());
        Assert.Equal(6, done.GetProperty("errors").GetInt32());

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (pushes)
            {
                if (pushes.Any(p => p.GetProperty("data").GetProperty("status").GetString() == "completed"))
                {
                    break;
                }
            }
            await Task.Delay(50);
        }
        lock (pushes)
        {
            var rowsDone = pushes.Select(p => p.GetProperty("data").GetProperty("rowsDone").GetInt32()).ToList();
            Assert.Contains(3, rowsDone);
            Assert.Equal(9, rowsDone[^1]);
        }

        var sara = await ContactByAsync(admin, "+989121234567");
        var profile = await ProfileAsync(admin, sara);
        Assert.Equal(new[] { tag, "returning", "vip" }.Order(StringComparer.Ordinal).ToArray(), profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray());
        // The first value stays: a later row (or list) does not overwrite what the contact has.
        Assert.Equal("gold", profile.GetProperty("attributes").GetProperty("loyalty_tier").GetString());
        Assert.Equal("fa", profile.GetProperty("locale").GetString());
        Assert.Equal("Asia/Tehran", profile.GetProperty("timeZone").GetString());
        // A "no" always withdraws consent.
        var consent = Assert.Single(profile.GetProperty("consents").EnumerateArray());
        Assert.False(consent.GetProperty("granted").GetBoolean());
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sara}");
        Assert.Equal("Sara Ahmadi", contact.GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("phone").ValueKind);
        Assert.Equal(["email:sara@example.test", "sms:+989121234567"], contact.GetProperty("identities").EnumerateArray()
            .Select(i => $"{i.GetProperty("channel").GetString()}:{i.GetProperty("address").GetString()}").Order(StringComparer.Ordinal).ToArray());

        var lida = await ContactByAsync(admin, "lida@example.test");
        Assert.Equal("lida@example.test", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{lida}")).GetProperty("email").GetString());

        using var report = await admin.GetAsync(done.GetProperty("errorReportUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("row,error,First name", lines[0], StringComparison.Ordinal);
        Assert.Equal(7, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("3,", StringComparison.Ordinal) && l.Contains("phone:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("4,", StringComparison.Ordinal) && l.Contains("email:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("5,", StringComparison.Ordinal) && l.Contains("broken row", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("7,", StringComparison.Ordinal) && l.Contains("locale", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("9,", StringComparison.Ordinal) && l.Contains("SMS consent", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("10,", StringComparison.Ordinal) && l.Contains("empty row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExistingContactGetsNewTagsButKeepsItsOwnValuesAndIsRecognisedWhenItTextsIn()
    {
        using var api = await MarketerAsync();
        // A customer who wrote in by SMS before the list was imported.
        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        var texted = await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Sms, "+15550001111", "+989351112233"),
            Guid.NewGuid().ToString("N"), "salam", DateTimeOffset.UnixEpoch, SenderName: "Kian"), CancellationToken.None);
        using var set = await api.PutAsJsonAsync($"/api/v1/contacts/{texted.ContactId}/profile",
            new { tags = new[] { "existing" }, attributes = new Dictionary<string, string> { ["plan"] = "gold" }, locale = "fa" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var csv = "name,phone,tags,plan,city\nSomeone Else,0935 111 2233,imported,silver,Shiraz\nNew Person,09351112244,imported,bronze,Tabriz\n";
        using var uploaded = await UploadAsync(api, csv);
        var preview = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        var id = preview.GetProperty("id").GetGuid();
        using var started = await api.PostAsJsonAsync($"/api/v1/contact-imports/{id}/start", Mapping(true,
            new { column = 0, field = "name" }, new { column = 1, field = "phone" }, new { column = 2, field = "tags" },
            new { column = 3, field = "attribute", key = "plan" }, new { column = 4, field = "attribute", key = "city" }));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await WaitDoneAsync(api, id);
        Assert.Equal((1, 1, 0), (done.GetProperty("created").GetInt32(), done.GetProperty("updated").GetInt32(), done.GetProperty("skipped").GetInt32()));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("errorReportUrl").ValueKind);

        var profile = await ProfileAsync(api, texted.ContactId);
        Assert.Equal(["existing", "imported"], profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("gold", profile.GetProperty("attributes").GetProperty("plan").GetString());
        Assert.Equal("Shiraz", profile.GetProperty("attributes").GetProperty("city").GetString());
        var contact = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{texted.ContactId}");
        Assert.Equal("Kian", contact.GetProperty("displayName").GetString());

        // The imported number: the person's first text joins the imported contact.
        var created = await ContactByAsync(api, "+989351112244");
        var later = await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Sms, "+15550001111", "+989351112244"),
            Guid.NewGuid().ToString("N"), "hi", DateTimeOffset.UnixEpoch), CancellationToken.None);
        Assert.Equal(created, later.ContactId);
    }

    [Fact]
    public async Task AThousandRowsAreCommittedInBatchesWithProgressOnlyGoingUp()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var csv = new StringBuilder("email,tags\n");
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 1000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"bulk{i}-{run}@example.test,bulk\n");
        }
        var pushes = new List<int>();
        await using var connection = hub.AgentConnection(await hub.TokenAsync());
        connection.On<JsonElement>("ContactImportProgress", e => { lock (pushes) { pushes.Add(e.GetProperty("data").GetProperty("rowsDone").GetInt32()); } });
        await connection.StartAsync();

        using var uploaded = await UploadAsync(admin, csv.ToString());
        var id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var started = await admin.PostAsJsonAsync($"/api/v1/contact-imports/{id}/start", Mapping(true, new { column = 0, field = "email" }, new { column = 1, field = "tags" }));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await WaitDoneAsync(admin, id);

        Assert.Equal(("completed", 1000, 1000), (done.GetProperty("status").GetString(), done.GetProperty("created").GetInt32(), done.GetProperty("rowsDone").GetInt32()));
        await Task.Delay(200);
        lock (pushes)
        {
            // Batches of 3 (the fixture's Crm:Imports:BatchSize): hundreds of commits, each pushed, never going back.
            Assert.True(pushes.Count > 300, $"{pushes.Count} pushes");
            Assert.Equal(pushes.Order(), pushes);
        }
    }

    [Fact]
    public async Task ABadMappingIsRefusedWithWhatIsWrongAndNothingStarts()
    {
        using var api = await MarketerAsync();
        using var uploaded = await UploadAsync(api, "name,phone,notes\nA,09121110000,x\n");
        var id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        async Task<JsonElement> RefusedAsync(object mapping)
        {
            using var response = await api.PostAsJsonAsync($"/api/v1/contact-imports/{id}/start", mapping);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }

        Assert.True((await RefusedAsync(Mapping(true, new { column = 0, field = "name" }))).TryGetProperty("columns", out _));
        Assert.True((await RefusedAsync(Mapping(true, new { column = 1, field = "phone" }, new { column = 7, field = "name" }))).TryGetProperty("columns[1].column", out _));
        Assert.True((await RefusedAsync(Mapping(true, new { column = 1, field = "phone" }, new { column = 2, field = "shoeSize" }))).TryGetProperty("columns[1].field", out _));
        Assert.True((await RefusedAsync(Mapping(true, new { column = 1, field = "phone" }, new { column = 2, field = "attribute", key = "9 bad" }))).TryGetProperty("columns[1].key", out _));
        Assert.True((await RefusedAsync(Mapping(true, new { column = 1, field = "phone" }, new { column = 2, field = "consent", channel = "pigeon" }))).TryGetProperty("columns[1].channel", out _));
        Assert.True((await RefusedAsync(Mapping(true, new { column = 1, field = "phone" }, new { column = 1, field = "email" }))).TryGetProperty("columns[1].column", out _));
        Assert.Equal("uploaded", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/contact-imports/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUploadThatIsTooLargeOrNotAFileIsRefusedClearly()
    {
        using var api = await MarketerAsync();
        var big = new StringBuilder("name,phone\n");
        while (big.Length <= ImportHub.MaxUploadBytes + 1000)
        {
            big.Append("Someone,09121234567\n");
        }
        using var tooLarge = await UploadAsync(api, big.ToString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("MB", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var empty = await UploadAsync(api, "");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        using var notMultipart = await api.PostAsJsonAsync("/api/v1/contact-imports", new { file = "name,phone" });
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);

        var (_, agentToken) = await hub.CreateAgentAsync("Agent");
        using var agent = hub.Client(agentToken);
        using var forbidden = await UploadAsync(agent, "name,phone\nA,09121234567\n");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task AProfileWithABadZoneTagKeyOrChannelIsRefusedField()
    {
        using var api = await MarketerAsync();
        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        var texted = await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Sms, "+15550001111", "+989351119999"),
            Guid.NewGuid().ToString("N"), "salam", DateTimeOffset.UnixEpoch), CancellationToken.None);
        using var bad = await api.PutAsJsonAsync($"/api/v1/contacts/{texted.ContactId}/profile", new
        {
            tags = new[] { "ok", "no<script>" },
            attributes = new Dictionary<string, string> { ["Bad Key"] = "x" },
            timeZone = "Mars/Olympus",
            locale = "de",
            consent = new Dictionary<string, bool> { ["pigeon"] = true },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var key in new[] { "tags[1]", "attributes.Bad Key", "timeZone", "locale", "consent.pigeon" })
        {
            Assert.True(errors.TryGetProperty(key, out _), $"expected an error at {key}: {errors}");
        }

        using var good = await api.PutAsJsonAsync($"/api/v1/contacts/{texted.ContactId}/profile", new
        {
            tags = new[] { " VIP ", "مشتری ویژه" }, timeZone = "Asia/Tehran", locale = "FA", consent = new Dictionary<string, bool> { ["sms"] = true },
        });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var profile = await good.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["vip", "مشتری ویژه"], profile.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("fa", profile.GetProperty("locale").GetString());
        Assert.True(profile.GetProperty("consents")[0].GetProperty("granted").GetBoolean());
    }
}
