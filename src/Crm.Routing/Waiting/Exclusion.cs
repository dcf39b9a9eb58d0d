namespace Crm.Routing.Waiting;

/// <summary>Why an agent is never offered a conversation again.</summary>
internal enum Exclusion
{
    Declined,
    LetOfferExpire,
}
