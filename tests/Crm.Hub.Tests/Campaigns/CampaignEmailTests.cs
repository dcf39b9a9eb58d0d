using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.OptOut;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Email;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>A campaign email through a real SMTP relay into a real Dovecot mailbox: its subject, unsubscribe link and headers.</summary>
public sealed class CampaignEmailTests(EmailHub hub) : IClassFixture<EmailHub>
{
    [Fact]
    public async Task EveryCampaignEmailCarriesOneClickUnsubscribeHeadersAndItsRenderedSubject()
    {
        var customer = await hub.NewCustomerAsync("promo");
        var tag = $"mail{Guid.NewGuid():N}"[..12];
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            var contact = new Contact { Id = Guid.NewGuid(), DisplayName = "Mina Karimi", Email = customer, CreatedAt = now, Tags = [new ContactTag { Tag = tag }] };
            db.Contacts.Add(contact);
            db.ChannelIdentities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Email, AccountId = EmailHub.Support, Address = customer, CreatedAt = now,
                LastSeenAt = now,
            });
            await db.SaveChangesAsync();
        }
        using var api = hub.Client(await hub.TokenAsync());
        var segment = await CampaignsHub.SegmentAsync(api, tag);
        var created = await api.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Spring offer",
            channel = "email",
            segmentId = segment,
            template = new
            {
                bodyEn = "Dear {{ contact.first_name }}, spring is here.\nUnsubscribe: {{ campaign.unsubscribe_url }}",
                subjectEn = "{{ contact.first_name }}, our spring offer",
            },
            pace = 5,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/campaigns/{id}/launch", null)).StatusCode);

        var mail = await hub.Mail.WaitForMessageAsync(customer, m => m.Subject == "Mina, our spring offer", TimeSpan.FromSeconds(30));
        var link = mail.Headers["List-Unsubscribe"] ?? "";
        Assert.Matches("^<https?://[^>]+/u/[A-Za-z0-9_-]+>$", link);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.Equal("bulk", mail.Headers["Precedence"]);
        Assert.Contains("Dear Mina, spring is here.", mail.TextBody, StringComparison.Ordinal);
        // Both links are signed tokens for the same address and campaign (each signing has its own nonce, so the texts differ).
        var links = hub.Services.GetRequiredService<UnsubscribeLinks>();
        var inBody = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "/u/([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.True(links.TryRead(inBody, out var fromBody));
        Assert.True(links.TryRead(link.Trim('<', '>')[(link.IndexOf("/u/", StringComparison.Ordinal) + 2)..], out var fromHeader));
        Assert.Equal(fromHeader, fromBody);
        Assert.Equal(id, fromHeader.CampaignId);
        await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("counters").GetProperty("sent").GetInt32() == 1);

        // An agent writing in the campaign's conversation sends a person's mail: no bulk markers, no unsubscribe headers.
        Guid conversationId;
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            conversationId = db.Conversations.Where(c => c.CampaignId == id).Select(c => c.Id).Single();
        }
        Assert.True((await api.PostAsync($"/api/v1/conversations/{conversationId}/reopen", null)).IsSuccessStatusCode);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Happy to book your visit, Mina.", @internal = false });
        Assert.True(reply.IsSuccessStatusCode, await reply.Content.ReadAsStringAsync());
        var personal = await hub.Mail.WaitForMessageAsync(customer, m => m.TextBody?.Contains("Happy to book your visit", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30));
        Assert.Null(personal.Headers["Precedence"]);
        Assert.Null(personal.Headers["List-Unsubscribe"]);
        Assert.Null(personal.Headers["Auto-Submitted"]);
        Assert.NotEqual("Mina, our spring offer", personal.Subject);
    }

    [Fact]
    public async Task ABulkEmailCampaignReusesPooledSmtpConnectionsAndDeliversEveryMessageOnce()
    {
        var tag = $"bulk{Guid.NewGuid():N}"[..12];
        var customers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            customers.Add(await hub.NewCustomerAsync($"bulk{i}"));
        }
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            foreach (var customer in customers)
            {
                var contact = new Contact { Id = Guid.NewGuid(), DisplayName = "Bulk Reader", Email = customer, CreatedAt = now, Tags = [new ContactTag { Tag = tag }] };
                db.Contacts.Add(contact);
                db.ChannelIdentities.Add(new ChannelIdentity
                {
                    Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Email, AccountId = EmailHub.Support, Address = customer, CreatedAt = now,
                    LastSeenAt = now,
                });
            }
            await db.SaveChangesAsync();
        }
        var pool = hub.Services.GetRequiredService<Crm.Channels.Email.SmtpConnectionPool>();
        var opened = pool.ConnectionsOpened;
        using var api = hub.Client(await hub.TokenAsync());
        var segment = await CampaignsHub.SegmentAsync(api, tag);
        using var created = await api.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "Bulk news", channel = "email", segmentId = segment,
            template = new { bodyEn = "News for you.\nUnsubscribe: {{ campaign.unsubscribe_url }}", subjectEn = "Bulk news" }, pace = 20,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/campaigns/{id}/launch", null)).StatusCode);

        await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("counters").GetProperty("sent").GetInt32() == 8);
        foreach (var customer in customers)
        {
            await hub.Mail.WaitForMessageAsync(customer, m => m.Subject == "Bulk news", TimeSpan.FromSeconds(30));
            Assert.Single(await hub.Mail.InboxAsync(customer), m => m.Subject == "Bulk news");
        }
        // Eight messages over at most the two pooled connections (Crm:Channels:Email:SmtpConnections), not one sign-in each.
        Assert.InRange(pool.ConnectionsOpened - opened, 0, 2);
    }
}
