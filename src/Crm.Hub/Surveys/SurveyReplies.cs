using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Surveys;

/// <summary>
/// In-channel answers. An SMS or Telegram message is read as a survey answer when its contact has a survey open on that channel
/// and nothing else open: then "4", "۴ عالی بود" or "9/10" is the answer — stored in the surveyed conversation without reopening
/// or routing it. Words without a score are kept as the survey's comment and still reach an agent as an ordinary message (they may
/// be a new request: "it broke again"), and the survey keeps waiting for a score. While the contact has an open conversation, a
/// number is part of that conversation (an agent may have asked "how many?"), never a survey answer.
/// </summary>
internal static class SurveyReplies
{
    public static bool AnswersIn(string channel) => channel is ChannelNames.Sms or ChannelNames.Telegram;

    public static async Task<SurveyRequest?> OpenSurveyAsync(HubDbContext db, Guid contactId, string channel, DateTimeOffset now)
    {
        var survey = await db.SurveyRequests
            .Where(s => s.ContactId == contactId && s.Channel == channel && s.State == SurveyState.Sent && s.ExpiresAt > now)
            .OrderByDescending(s => s.SentAt).FirstOrDefaultAsync();
        // A survey answered earlier in the same batch is still "sent" in the database, not in the tracked row.
        return survey is not null && survey.IsOpenAt(now) ? survey : null;
    }
}
