using System.Text;
using Crm.Channels.Email;
using MimeKit;

namespace Crm.Channels.Tests.Email;

/// <summary>Replies that thread in every client: ids, In-Reply-To, References, "Re:", Reply-To, bodies, files, auto-reply marks.</summary>
public sealed class EmailComposerTests
{
    private const string Domain = "example.test";
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static EmailDraft Draft(Func<EmailDraft, EmailDraft>? change = null)
    {
        var draft = new EmailDraft
        {
            From = new MailboxAddress("Example Shop Support", "support@example.test"),
            To = new MailboxAddress("Sara Ahmadi", "sara@elsewhere.test"),
            Subject = "Re: My order 1042",
            MessageId = EmailComposer.MessageIdFor(Id, Domain),
            Text = "Your replacement is on its way.",
        };
        return change is null ? draft : change(draft);
    }

    private static MimeMessage Reload(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }

    [Fact]
    public void MessageIdFor_is_32_hex_digits_at_our_domain_and_round_trips_through_OurMessage()
    {
        var messageId = EmailComposer.MessageIdFor(Id, Domain);

        Assert.Equal("0f8fad5bd9cb469fa16570867728950e@example.test", messageId);
        Assert.Equal(Id, EmailComposer.OurMessage(messageId, Domain));
        Assert.Equal(Id, EmailComposer.OurMessage("0F8FAD5BD9CB469FA16570867728950E@EXAMPLE.TEST", Domain));
    }

    [Theory]
    [InlineData("0f8fad5bd9cb469fa16570867728950e@elsewhere.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e@mail.example.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e@example.test.evil.test")]
    [InlineData("<0f8fad5bd9cb469fa16570867728950e@example.test>")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e@example.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950@example.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e0@example.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950g@example.test")]
    [InlineData("+f8fad5bd9cb469fa16570867728950e@example.test")]
    [InlineData("0x8fad5bd9cb469fa16570867728950e@example.test")]
    [InlineData(" f8fad5bd9cb469fa16570867728950e@example.test")]
    [InlineData("CAFxyz123.abc@mail.gmail.test")]
    [InlineData("0f8fad5bd9cb469fa16570867728950e")]
    [InlineData("")]
    public void OurMessage_only_recognises_our_domain_and_32_hex_digits(string messageId) =>
        Assert.Null(EmailComposer.OurMessage(messageId, Domain));

    [Theory]
    [InlineData("My order 1042", "Re: My order 1042")]
    [InlineData("  My order 1042  ", "Re: My order 1042")]
    [InlineData("Re: My order 1042", "Re: My order 1042")]
    [InlineData("RE: My order 1042", "RE: My order 1042")]
    [InlineData("re:My order 1042", "re:My order 1042")]
    [InlineData("AW: Meine Bestellung", "AW: Meine Bestellung")]
    [InlineData("SV: Min order", "SV: Min order")]
    [InlineData("Antw: Mijn bestelling", "Antw: Mijn bestelling")]
    [InlineData("YNT: Siparişim", "YNT: Siparişim")]
    [InlineData("رد: سفارش من", "رد: سفارش من")]
    [InlineData("پاسخ: سفارش من", "پاسخ: سفارش من")]
    [InlineData("سفارش من", "Re: سفارش من")]
    [InlineData("Fwd: Invoice", "Re: Fwd: Invoice")]
    [InlineData("Reorder of item 5", "Re: Reorder of item 5")]
    [InlineData("Return: parcel", "Re: Return: parcel")]
    [InlineData("", "Re: your message")]
    [InlineData("   ", "Re: your message")]
    [InlineData(null, "Re: your message")]
    public void ReplySubject(string? subject, string expected) =>
        Assert.Equal(expected, EmailComposer.ReplySubject(subject));

    [Fact]
    public void ReplySubject_is_idempotent()
    {
        var once = EmailComposer.ReplySubject("My order 1042");

        Assert.Equal(once, EmailComposer.ReplySubject(once));
        Assert.Equal(once, EmailComposer.ReplySubject(EmailComposer.ReplySubject(once)));
    }

    [Fact]
    public void ReferencesFor_appends_the_parent_id_after_the_parents_references()
    {
        Assert.Equal(["a@x", "b@x", "p@x"], EmailComposer.ReferencesFor(["a@x", "b@x"], "p@x"));
        Assert.Equal(["p@x"], EmailComposer.ReferencesFor([], "p@x"));
        Assert.Equal(["a@x", "b@x"], EmailComposer.ReferencesFor(["a@x", "", "b@x"], null));
        Assert.Empty(EmailComposer.ReferencesFor([], null));
    }

    [Fact]
    public void ReferencesFor_does_not_repeat_a_parent_id_already_last()
    {
        Assert.Equal(["a@x", "p@x"], EmailComposer.ReferencesFor(["a@x", "p@x"], "p@x"));
    }

    [Fact]
    public void ReferencesFor_keeps_twenty_ids_unchanged()
    {
        var parents = Enumerable.Range(1, 19).Select(i => $"r{i}@x").ToList();

        var references = EmailComposer.ReferencesFor(parents, "p@x");

        Assert.Equal(EmailComposer.MaxReferences, references.Count);
        Assert.Equal([.. parents, "p@x"], references);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(25)]
    [InlineData(100)]
    public void ReferencesFor_caps_at_twenty_keeping_the_first_and_the_last_nineteen(int parentCount)
    {
        var parents = Enumerable.Range(1, parentCount).Select(i => $"r{i}@x").ToList();
        var all = parents.Append("p@x").ToList();

        var references = EmailComposer.ReferencesFor(parents, "p@x");

        Assert.Equal(20, references.Count);
        Assert.Equal("r1@x", references[0]);
        Assert.Equal(all.TakeLast(19), references.Skip(1));
        Assert.Equal("p@x", references[^1]);
        Assert.Equal($"r{parentCount - 17}@x", references[1]);
    }

    [Fact]
    public void Compose_a_reply_sets_the_threading_headers()
    {
        var message = EmailComposer.Compose(Draft(d => d with
        {
            InReplyTo = "p@elsewhere.test",
            References = ["root@elsewhere.test", "mid@example.test", "p@elsewhere.test"],
        }));

        Assert.Equal("0f8fad5bd9cb469fa16570867728950e@example.test", message.MessageId);
        Assert.Equal("p@elsewhere.test", message.InReplyTo);
        Assert.Equal(["root@elsewhere.test", "mid@example.test", "p@elsewhere.test"], message.References);
        Assert.Equal("Re: My order 1042", message.Subject);
        Assert.Equal("support@example.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("sara@elsewhere.test", Assert.Single(message.To.Mailboxes).Address);

        var raw = message.ToString();
        Assert.Contains("Message-Id: <0f8fad5bd9cb469fa16570867728950e@example.test>", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("In-Reply-To: <p@elsewhere.test>", raw, StringComparison.Ordinal);
        Assert.Contains("References: <root@elsewhere.test> <mid@example.test> <p@elsewhere.test>", raw.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_threading_headers_survive_writing_and_reloading()
    {
        var message = Reload(EmailComposer.Compose(Draft(d => d with
        {
            InReplyTo = "p@elsewhere.test",
            References = EmailComposer.ReferencesFor(Enumerable.Range(1, 30).Select(i => $"r{i}@elsewhere.test"), "p@elsewhere.test"),
        })));

        Assert.Equal("0f8fad5bd9cb469fa16570867728950e@example.test", message.MessageId);
        Assert.Equal("p@elsewhere.test", message.InReplyTo);
        Assert.Equal(20, message.References.Count);
        Assert.Equal("r1@elsewhere.test", message.References[0]);
        Assert.Equal("r13@elsewhere.test", message.References[1]);
        Assert.Equal("p@elsewhere.test", message.References[^1]);
    }

    [Fact]
    public void Compose_a_new_message_has_no_in_reply_to_or_references()
    {
        var message = EmailComposer.Compose(Draft());

        Assert.Null(message.InReplyTo);
        Assert.Empty(message.References);
        Assert.Null(message.Headers[HeaderId.InReplyTo]);
        Assert.Null(message.Headers[HeaderId.References]);
        Assert.Empty(message.ReplyTo);
        Assert.Null(message.Headers[HeaderId.AutoSubmitted]);
        Assert.Null(message.Headers["X-Auto-Response-Suppress"]);
    }

    [Fact]
    public void Compose_sets_reply_to_with_the_senders_display_name()
    {
        var addresses = new ReplyAddresses("support", Domain, [1, 2, 3, 4]);
        var replyTo = addresses.ForConversation(12);

        var message = Reload(EmailComposer.Compose(Draft(d => d with { ReplyTo = replyTo })));

        var mailbox = Assert.Single(message.ReplyTo.Mailboxes);
        Assert.Equal("Example Shop Support", mailbox.Name);
        Assert.Equal(replyTo, mailbox.Address);
        Assert.Equal(12, addresses.ConversationOf(mailbox.Address));
    }

    [Fact]
    public void Compose_text_only_is_a_single_text_part()
    {
        var message = EmailComposer.Compose(Draft());

        var text = Assert.IsType<TextPart>(message.Body);
        Assert.True(text.IsPlain);
        Assert.Equal("Your replacement is on its way.", message.TextBody);
        Assert.Null(message.HtmlBody);
    }

    [Fact]
    public void Compose_text_and_html_is_a_multipart_alternative()
    {
        var message = Reload(EmailComposer.Compose(Draft(d => d with { Html = "<p>Your replacement is <b>on its way</b>.</p>" })));

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Collection(alternative,
            p => Assert.Equal("text/plain", p.ContentType.MimeType),
            p => Assert.Equal("text/html", p.ContentType.MimeType));
        Assert.Equal("Your replacement is on its way.", message.TextBody);
        Assert.Equal("<p>Your replacement is <b>on its way</b>.</p>", message.HtmlBody);
    }

    [Fact]
    public void Compose_attachments_keep_names_types_and_bytes_after_reloading()
    {
        byte[] pdf = [.. "%PDF-1.7\n"u8, 0, 1, 2, 255];
        byte[] png = [137, 80, 78, 71, 13, 10, 26, 10];
        var draft = Draft(d => d with
        {
            Html = "<p>See the files.</p>",
            Files =
            [
                new EmailFile("invoice 1042.pdf", "application/pdf", () => new MemoryStream(pdf)),
                new EmailFile("فاکتور سفارش ۱۰۴۲.png", "image/png", () => new MemoryStream(png)),
            ],
        });

        var message = Reload(EmailComposer.Compose(draft));

        Assert.IsType<Multipart>(message.Body);
        Assert.Equal("multipart/mixed", message.Body.ContentType.MimeType);
        Assert.Equal("Your replacement is on its way.", message.TextBody);
        Assert.Equal("<p>See the files.</p>", message.HtmlBody);
        var files = message.Attachments.OfType<MimePart>().ToList();
        Assert.Collection(files,
            f =>
            {
                Assert.Equal("invoice 1042.pdf", f.FileName);
                Assert.Equal("application/pdf", f.ContentType.MimeType);
                Assert.Equal(pdf, Bytes(f));
            },
            f =>
            {
                Assert.Equal("فاکتور سفارش ۱۰۴۲.png", f.FileName);
                Assert.Equal("image/png", f.ContentType.MimeType);
                Assert.Equal(png, Bytes(f));
            });
        // The Persian name is encoded, never raw 8-bit bytes in the headers.
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var raw = Encoding.UTF8.GetString(stream.ToArray());
        Assert.DoesNotContain("فاکتور", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_opens_each_file_once_and_disposes_it()
    {
        var opened = new List<TrackingStream>();
        var draft = Draft(d => d with
        {
            Files = [new EmailFile("a.txt", "text/plain", () =>
            {
                var s = new TrackingStream("hello"u8.ToArray());
                opened.Add(s);
                return s;
            })],
        });

        var message = EmailComposer.Compose(draft);

        var stream = Assert.Single(opened);
        Assert.True(stream.Disposed);
        Assert.Equal("hello"u8.ToArray(), Bytes(Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments))));
    }

    [Theory]
    [InlineData("p@elsewhere.test", "auto-replied")]
    [InlineData(null, "auto-generated")]
    public void Compose_automatic_messages_are_marked(string? inReplyTo, string autoSubmitted)
    {
        var message = Reload(EmailComposer.Compose(Draft(d => d with { Automatic = true, InReplyTo = inReplyTo })));

        Assert.Equal(autoSubmitted, message.Headers[HeaderId.AutoSubmitted]);
        Assert.Equal("All", message.Headers["X-Auto-Response-Suppress"]);
        Assert.NotEqual(AutomaticKind.None, AutomaticMail.Classify(message, "someone-else@elsewhere.test").Kind);
    }

    [Fact]
    public void NewMessageId_is_unique_and_on_our_domain()
    {
        var a = EmailComposer.NewMessageId(Domain);
        var b = EmailComposer.NewMessageId(Domain);

        Assert.NotEqual(a, b);
        Assert.EndsWith("@example.test", a, StringComparison.Ordinal);
        Assert.DoesNotContain('<', a);
    }

    private static byte[] Bytes(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content?.DecodeTo(stream);
        return stream.ToArray();
    }

    private sealed class TrackingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
