using Crm.Channels.Email;

namespace Crm.Channels.Tests.Email;

/// <summary>The reply's own words, without the quoted earlier mail, for the clients customers actually use.</summary>
public sealed class QuotedRepliesTests
{
    private const string Own = "Thanks, the replacement arrived.\n\nSara";

    [Fact]
    public void Gmail_on_date_wrote()
    {
        var text = Own + """


            On Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:
            > Your replacement is on its way.
            >
            > Support
            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Gmail_header_wrapped_over_two_lines()
    {
        var text = Own + """


            On Mon, 3 Mar 2025 at 10:00, Example Shop Customer Support <support@example.test>
            wrote:

            > Your replacement is on its way.
            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Outlook_from_sent_to_subject_block()
    {
        var text = Own + """


            From: Support <support@example.test>
            Sent: Monday, March 3, 2025 10:00 AM
            To: Sara Ahmadi <sara@elsewhere.test>
            Subject: RE: My order 1042

            Your replacement is on its way.
            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Outlook_block_under_an_underscore_rule()
    {
        var text = Own + """

            ________________________________
            From: Support <support@example.test>
            Sent: Monday, March 3, 2025 10:00 AM
            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void A_lone_from_line_is_the_customers_own_words()
    {
        const string text = "From: my side everything is fine.\nThe parcel came today.";

        Assert.Equal(text, QuotedReplies.Trim(text));
    }

    [Theory]
    [InlineData("-----Original Message-----")]
    [InlineData("----- Original Message -----")]
    [InlineData("---------- Forwarded message ---------")]
    [InlineData("----- پیام اصلی -----")]
    public void Original_message_rule(string rule)
    {
        var text = Own + "\n\n" + rule + "\nFrom: Support [mailto:support@example.test]\nYour replacement is on its way.";

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Trailing_block_of_quoted_lines()
    {
        var text = Own + """


            > Your replacement is on its way.
            >> Where is my order?

            > Support

            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Persian_wrote_header()
    {
        const string own = "ممنون، رسید.\n\nسارا";
        var text = own + """


            در تاریخ دوشنبه ۳ مارس ۲۰۲۵ ساعت ۱۰:۰۰ پشتیبانی <support@example.test> نوشت:
            > سفارش شما ارسال شد.
            """;

        Assert.Equal(own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void German_am_schrieb_header()
    {
        var text = Own + """


            Am Mo., 3. März 2025 um 10:00 Uhr schrieb Support <support@example.test>:
            > Ihr Ersatz ist unterwegs.
            """;

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void German_header_with_schrieb_right_before_the_colon()
    {
        var text = Own + "\n\nAm 03.03.2025 10:00, Support schrieb:\n> Ihr Ersatz ist unterwegs.";

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Theory]
    [InlineData("Le lun. 3 mars 2025 à 10:00, Support <support@example.test> a écrit :")]
    [InlineData("El lun, 3 mar 2025 a las 10:00, Support (<support@example.test>) escribió:")]
    [InlineData("Il giorno lun 3 mar 2025 alle ore 10:00 Support <support@example.test> ha scritto:")]
    [InlineData("On 3/3/25 10:00, Support wrote:")]
    public void Other_clients_wrote_headers(string header)
    {
        var text = Own + "\n\n" + header + "\n\nYour replacement is on its way.";

        Assert.Equal(Own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Own_line_starting_with_on_right_above_the_header_is_kept()
    {
        const string own = "Hello,\nOn Monday the replacement arrived broken too.";
        var text = own + "\nOn Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:\n> Your replacement is on its way.";

        Assert.Equal(own, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Text_without_a_quote_is_unchanged()
    {
        const string text = "Hello,\n\nmy order 1042 has not arrived.\n> is what the tracking page says? No, it says nothing.\nSara";

        Assert.Equal(text, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Trailing_whitespace_is_dropped()
    {
        Assert.Equal("Hello\n\nSara", QuotedReplies.Trim("Hello\n\nSara\n\n  \n"));
    }

    [Fact]
    public void Crlf_text_comes_back_with_lf_line_ends()
    {
        Assert.Equal("Hello\nSara", QuotedReplies.Trim("Hello\r\nSara\r\n"));
        Assert.Equal(Own, QuotedReplies.Trim(Own.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n> earlier\r\n"));
    }

    [Fact]
    public void A_reply_that_is_only_a_quote_keeps_the_full_text()
    {
        const string quote = "On Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:\n> Your replacement is on its way.";

        Assert.Equal(quote, QuotedReplies.Trim(quote + "\n\n"));
        Assert.Equal("> only\n> quoted", QuotedReplies.Trim("> only\n> quoted\n"));
    }

    [Fact]
    public void Bottom_post_after_a_quote_block_is_kept_whole()
    {
        // Observed: with no attribution header, a '>' block followed by the customer's words is not a trailing
        // quote, so nothing is cut and the text comes back whole (quote included).
        const string text = "> Your replacement is on its way.\n> Support\n\nThanks, it arrived.\nSara";

        Assert.Equal(text, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Bottom_post_under_an_attribution_header_keeps_the_full_text()
    {
        // Observed: the header is on the first line, so the own part before it is empty and the full text is kept;
        // the customer's words below the quote are not lost, but the quote is not removed either.
        const string text = "On Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:\n> Your replacement is on its way.\n\nThanks, it arrived.";

        Assert.Equal(text, QuotedReplies.Trim(text));
    }

    [Fact]
    public void Bottom_post_with_words_above_and_below_the_quote_drops_the_words_below()
    {
        // Observed: everything from the header down is treated as quote, including the customer's text after it.
        const string text = "Hi,\nOn Mon, 3 Mar 2025 at 10:00, Support <support@example.test> wrote:\n> Is it fixed?\n\nYes, it works now.";

        Assert.Equal("Hi,", QuotedReplies.Trim(text));
    }
}
