using Crm.Hub.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Surveys;

/// <summary>
/// The links in an email survey, one per score. The token is the survey's id, signed (Data Protection), so nobody answers someone
/// else's survey by guessing ids; the score rides in the query string, since any score is the holder's to choose. Opening a link
/// only shows a page (mail scanners fetch every link); the answer is recorded by the page's POST.
/// </summary>
internal sealed class SurveyLinks(IDataProtectionProvider provider, IOptions<HubOptions> hub)
{
    public const string PathPrefix = "/survey/";
    private readonly IDataProtector _protector = provider.CreateProtector("Crm.Surveys.Answer.v1");

    public string Token(Guid surveyId) => WebEncoders.Base64UrlEncode(_protector.Protect(surveyId.ToByteArray()));

    public Uri Link(Guid surveyId, int score) => new(hub.Value.Url($"{PathPrefix}{Token(surveyId)}?score={score}"));

    public bool TryRead(string? token, out Guid surveyId)
    {
        surveyId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 500)
        {
            return false;
        }
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            if (payload.Length != 16)
            {
                return false;
            }
            surveyId = new Guid(payload);
            return true;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return false;
        }
    }
}
