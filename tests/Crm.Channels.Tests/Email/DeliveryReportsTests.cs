using System.Text;
using Crm.Channels.Email;
using MimeKit;

namespace Crm.Channels.Tests.Email;

/// <summary>RFC 3464 delivery status notifications as real MTAs write them, and the non-standard X-Failed-Recipients kind.</summary>
public sealed class DeliveryReportsTests
{
    private static MimeMessage Load(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

    /// <summary>Runs of spaces as one: the main tests check the words; the exact unfolding has its own (skipped, BUG) test.</summary>
    private static string? Spaces(string? value) => value is null ? null : string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private const string PostfixDiagnostic = "550-5.1.1 The email account that you tried to reach does not exist."
        + " Please try double-checking the recipient's email address for typos or unnecessary spaces.";

    /// <summary>Postfix's bounce for a mailbox that does not exist, with the original headers as text/rfc822-headers.</summary>
    private const string PostfixHardBounce = """
        Return-Path: <>
        Received: by mx.example.test (Postfix) id 4Xk2Lq1Vb9z9t; Mon,  3 Mar 2025 10:00:05 +0000 (UTC)
        Date: Mon,  3 Mar 2025 10:00:05 +0000 (UTC)
        From: MAILER-DAEMON@mx.example.test (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: bounces+b0f8fad5bd9cb469fa16570867728950e.1a2b3c4d@example.test
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
        	boundary="4Xk2Lq1Vb9z9t.1741000005/mx.example.test"
        Content-Transfer-Encoding: 8bit
        Message-Id: <20250303100005.4Xk2Lq1Vb9z9t@mx.example.test>

        This is a MIME-encapsulated message.

        --4Xk2Lq1Vb9z9t.1741000005/mx.example.test
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.test.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients. It's attached below.

        <nobody@elsewhere.test>: host mx1.elsewhere.test[192.0.2.25] said: 550-5.1.1
            The email account that you tried to reach does not exist. (in reply to
            RCPT TO command)

        --4Xk2Lq1Vb9z9t.1741000005/mx.example.test
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.test
        X-Postfix-Queue-ID: 4Xk2Lq1Vb9z9t
        X-Postfix-Sender: rfc822; bounces+b0f8fad5bd9cb469fa16570867728950e.1a2b3c4d@example.test
        Arrival-Date: Mon,  3 Mar 2025 10:00:03 +0000 (UTC)
        Original-Envelope-Id: 0f8fad5bd9cb469fa16570867728950e

        Final-Recipient: rfc822; nobody@elsewhere.test
        Original-Recipient: rfc822;nobody@elsewhere.test
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mx1.elsewhere.test
        Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
            not exist. Please try double-checking the recipient's email
            address for typos or unnecessary spaces.

        --4Xk2Lq1Vb9z9t.1741000005/mx.example.test
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        Return-Path: <bounces+b0f8fad5bd9cb469fa16570867728950e.1a2b3c4d@example.test>
        From: Support <support@example.test>
        To: Nobody <nobody@elsewhere.test>
        Subject: Re: My order 1042
        Message-ID: <0f8fad5bd9cb469fa16570867728950e@example.test>
        Date: Mon, 03 Mar 2025 10:00:02 +0000

        --4Xk2Lq1Vb9z9t.1741000005/mx.example.test--
        """;

    [Fact]
    public void Postfix_hard_bounce_with_rfc822_headers()
    {
        var report = DeliveryReports.Read(Load(PostfixHardBounce));

        Assert.NotNull(report);
        Assert.Equal("0f8fad5bd9cb469fa16570867728950e@example.test", report.OriginalMessageId);
        Assert.Equal("0f8fad5bd9cb469fa16570867728950e", report.OriginalEnvelopeId);
        Assert.Equal("mx.example.test", report.ReportingMta);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("nobody@elsewhere.test", recipient.Recipient);
        Assert.Equal("failed", recipient.Action);
        Assert.Equal("5.1.1", recipient.Status);
        Assert.Equal("mx1.elsewhere.test", recipient.RemoteMta);
        Assert.Equal(PostfixDiagnostic, Spaces(recipient.Diagnostic));
        Assert.DoesNotContain('\n', recipient.Diagnostic!);
        Assert.DoesNotContain('\r', recipient.Diagnostic!);
        Assert.True(recipient.IsFailure);
        Assert.True(recipient.IsHardBounce);
        Assert.Equal("5.1.1 " + PostfixDiagnostic, Spaces(recipient.Reason));
    }

    [Fact]
    public void Postfix_space_folded_diagnostic_is_unfolded_to_single_spaces()
    {
        var recipient = Assert.Single(DeliveryReports.Read(Load(PostfixHardBounce))!.Recipients);

        Assert.Equal(PostfixDiagnostic, recipient.Diagnostic);
    }

    [Fact]
    public void Tab_folded_diagnostic_is_unfolded()
    {
        var raw = PostfixHardBounce.ReplaceLineEndings("\n")
            .Replace("does\n    not exist. Please try double-checking the recipient's email\n    address", "does\n\tnot exist. Please try double-checking the recipient's email\n\taddress", StringComparison.Ordinal);
        Assert.Contains("\n\tnot exist.", raw, StringComparison.Ordinal);

        var recipient = Assert.Single(DeliveryReports.Read(Load(raw))!.Recipients);

        Assert.Equal(PostfixDiagnostic, recipient.Diagnostic);
    }

    [Fact]
    public void Bounce_with_the_whole_original_message_attached_as_message_rfc822()
    {
        var report = DeliveryReports.Read(Load("""
            From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
            To: bounces+b1.aa@example.test
            Subject: Delivery Status Notification (Failure)
            Message-ID: <dsn-2@mx.google.test>
            MIME-Version: 1.0
            Content-Type: multipart/report; boundary="B2"; report-type=delivery-status

            --B2
            Content-Type: text/plain; charset="UTF-8"

            Address not found

            --B2
            Content-Type: message/delivery-status

            Reporting-MTA: dns; googlemail.com
            Received-From-MTA: dns; mx.example.test
            Arrival-Date: Mon, 03 Mar 2025 02:00:04 -0800 (PST)

            Final-Recipient: rfc822; <gone@gmail.test>
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; The email account that you tried to reach does not exist.
            Last-Attempt-Date: Mon, 03 Mar 2025 02:00:05 -0800 (PST)

            --B2
            Content-Type: message/rfc822

            From: Support <support@example.test>
            To: gone@gmail.test
            Subject: Re: Refund
            Message-ID: <11111111222233334444555555555555@example.test>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8

            Your refund is on its way.

            --B2--
            """));

        Assert.NotNull(report);
        Assert.Equal("11111111222233334444555555555555@example.test", report.OriginalMessageId);
        Assert.Null(report.OriginalEnvelopeId);
        Assert.Equal("googlemail.com", report.ReportingMta);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("gone@gmail.test", recipient.Recipient);
        Assert.Equal("The email account that you tried to reach does not exist.", recipient.Diagnostic);
        Assert.Null(recipient.RemoteMta);
        Assert.True(recipient.IsHardBounce);
    }

    [Fact]
    public void Delayed_report_is_neither_a_failure_nor_a_hard_bounce()
    {
        var report = DeliveryReports.Read(Load("""
            Return-Path: <>
            From: MAILER-DAEMON@mx.example.test (Mail Delivery System)
            To: bounces+b2.bb@example.test
            Subject: Delayed Mail (still being retried)
            Message-Id: <20250303140005.AAAA@mx.example.test>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="D3"

            --D3
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.example.test.

            ####################################################################
            # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
            ####################################################################

            --D3
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.test
            Original-Envelope-Id: 22222222333344445555666666666666
            Arrival-Date: Mon,  3 Mar 2025 10:00:03 +0000 (UTC)

            Final-Recipient: rfc822; slow@elsewhere.test
            Action: delayed
            Status: 4.4.1
            Diagnostic-Code: X-Postfix; connect to mx.elsewhere.test[192.0.2.30]:25:
                Connection timed out
            Will-Retry-Until: Thu,  6 Mar 2025 10:00:03 +0000 (UTC)

            --D3
            Content-Type: text/rfc822-headers

            From: Support <support@example.test>
            To: slow@elsewhere.test
            Subject: Re: Invoice
            Message-ID: <22222222333344445555666666666666@example.test>

            --D3--
            """));

        Assert.NotNull(report);
        Assert.Equal("22222222333344445555666666666666@example.test", report.OriginalMessageId);
        Assert.Equal("22222222333344445555666666666666", report.OriginalEnvelopeId);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("slow@elsewhere.test", recipient.Recipient);
        Assert.Equal("delayed", recipient.Action);
        Assert.Equal("4.4.1", recipient.Status);
        Assert.Equal("connect to mx.elsewhere.test[192.0.2.30]:25: Connection timed out", Spaces(recipient.Diagnostic));
        Assert.False(recipient.IsFailure);
        Assert.False(recipient.IsHardBounce);
        Assert.Equal("4.4.1 connect to mx.elsewhere.test[192.0.2.30]:25: Connection timed out", Spaces(recipient.Reason));
    }

    [Fact]
    public void Report_with_one_failed_and_one_delivered_recipient()
    {
        var report = DeliveryReports.Read(Load("""
            From: Mail Delivery System <MAILER-DAEMON@mx.example.test>
            To: bounces+b3.cc@example.test
            Subject: Delivery Status Notification
            Message-ID: <dsn-4@mx.example.test>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type="delivery-status"; boundary="R4"

            --R4
            Content-Type: text/plain

            Delivery to one of two recipients failed.

            --R4
            Content-Type: message/delivery-status

            Reporting-MTA: dns;mx.example.test
            Original-Envelope-Id: 33333333444455556666777777777777

            Final-Recipient: rfc822;full@elsewhere.test
            Action: failed
            Status: 5.2.2
            Remote-MTA: dns; mx.elsewhere.test
            Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

            Final-Recipient: rfc822;fine@elsewhere.test
            Action: delivered
            Status: 2.0.0
            Remote-MTA: dns; mx.elsewhere.test

            --R4
            Content-Type: text/rfc822-headers

            Message-ID: <33333333444455556666777777777777@example.test>
            Subject: Re: Two people

            --R4--
            """));

        Assert.NotNull(report);
        Assert.Equal("mx.example.test", report.ReportingMta);
        Assert.Equal("33333333444455556666777777777777@example.test", report.OriginalMessageId);
        Assert.Collection(report.Recipients,
            full =>
            {
                Assert.Equal("full@elsewhere.test", full.Recipient);
                Assert.Equal("failed", full.Action);
                Assert.Equal("5.2.2", full.Status);
                Assert.Equal("552 5.2.2 Mailbox full", full.Diagnostic);
                Assert.True(full.IsFailure);
                Assert.True(full.IsHardBounce);
                Assert.Equal("5.2.2 552 5.2.2 Mailbox full", full.Reason);
            },
            fine =>
            {
                Assert.Equal("fine@elsewhere.test", fine.Recipient);
                Assert.Equal("delivered", fine.Action);
                Assert.Equal("2.0.0", fine.Status);
                Assert.Null(fine.Diagnostic);
                Assert.False(fine.IsFailure);
                Assert.False(fine.IsHardBounce);
                Assert.Equal("2.0.0", fine.Reason);
            });
    }

    [Fact]
    public void Failed_with_a_transient_status_is_a_failure_but_not_a_hard_bounce()
    {
        var report = DeliveryReports.Read(Load("""
            From: MAILER-DAEMON@mx.example.test
            To: bounces+b4.dd@example.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="T5"

            --T5
            Content-Type: text/plain

            Gave up after five days.

            --T5
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.test

            Final-Recipient: rfc822; later@elsewhere.test
            Action: failed
            Status: 4.4.7
            Diagnostic-Code: X-Postfix; delivery temporarily suspended

            --T5--
            """));

        Assert.NotNull(report);
        Assert.Null(report.OriginalMessageId);
        var recipient = Assert.Single(report.Recipients);
        Assert.True(recipient.IsFailure);
        Assert.False(recipient.IsHardBounce);
    }

    [Fact]
    public void Failed_without_a_status_counts_as_a_hard_bounce()
    {
        var recipient = new RecipientReport("x@elsewhere.test", "Failed", null, "  ", null);

        Assert.True(recipient.IsFailure);
        Assert.True(recipient.IsHardBounce);
        Assert.Equal("", recipient.Reason);
    }

    [Fact]
    public void Exchange_style_bounce_with_only_x_failed_recipients()
    {
        var report = DeliveryReports.Read(Load("""
            From: Microsoft Outlook <postmaster@corp.elsewhere.test>
            To: support@example.test
            Subject: Undeliverable: Re: Quote request
            X-Failed-Recipients: one@corp.elsewhere.test, two@corp.elsewhere.test
            Message-ID: <ndr-6@corp.elsewhere.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="X6"

            --X6
            Content-Type: text/plain; charset=utf-8


            Delivery has failed to these recipients or groups:
            one@corp.elsewhere.test; two@corp.elsewhere.test

            --X6
            Content-Type: message/rfc822

            From: Support <support@example.test>
            To: one@corp.elsewhere.test, two@corp.elsewhere.test
            Subject: Re: Quote request
            Message-ID: <44444444555566667777888888888888@example.test>

            Here is the quote.

            --X6--
            """));

        Assert.NotNull(report);
        Assert.Equal("44444444555566667777888888888888@example.test", report.OriginalMessageId);
        Assert.Null(report.OriginalEnvelopeId);
        Assert.Null(report.ReportingMta);
        Assert.Equal(["one@corp.elsewhere.test", "two@corp.elsewhere.test"], report.Recipients.Select(r => r.Recipient));
        Assert.All(report.Recipients, r =>
        {
            Assert.Equal("failed", r.Action);
            Assert.Null(r.Status);
            Assert.Equal("Delivery has failed to these recipients or groups:", r.Diagnostic);
            Assert.True(r.IsFailure);
            Assert.True(r.IsHardBounce);
            Assert.Equal("Delivery has failed to these recipients or groups:", r.Reason);
        });
    }

    [Fact]
    public void X_failed_recipients_without_an_attached_message()
    {
        var report = DeliveryReports.Read(Load("""
            From: MAILER-DAEMON@qmail.elsewhere.test
            To: support@example.test
            Subject: failure notice
            X-Failed-Recipients: gone@elsewhere.test

            Hi. This is the qmail-send program at qmail.elsewhere.test.
            I'm afraid I wasn't able to deliver your message.
            """));

        Assert.NotNull(report);
        Assert.Null(report.OriginalMessageId);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("gone@elsewhere.test", recipient.Recipient);
        Assert.Equal("Hi. This is the qmail-send program at qmail.elsewhere.test.", recipient.Diagnostic);
    }

    [Fact]
    public void A_normal_message_is_not_a_report()
    {
        Assert.Null(DeliveryReports.Read(Load("""
            From: Sara <sara@elsewhere.test>
            To: support@example.test
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <m7@elsewhere.test>
            Content-Type: text/plain

            My parcel was returned to sender, can you resend it?
            """)));
    }

    [Fact]
    public void A_multipart_report_of_another_type_is_not_a_delivery_report()
    {
        Assert.Null(DeliveryReports.Read(Load("""
            From: Sara <sara@elsewhere.test>
            To: support@example.test
            Subject: Read: Re: Quote
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=disposition-notification; boundary="N8"

            --N8
            Content-Type: text/plain

            Your message was displayed.

            --N8
            Content-Type: message/disposition-notification

            Final-Recipient: rfc822; sara@elsewhere.test
            Disposition: manual-action/MDN-sent-manually; displayed

            --N8--
            """)));
    }
}
