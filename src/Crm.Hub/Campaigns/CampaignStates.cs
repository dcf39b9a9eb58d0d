namespace Crm.Hub.Campaigns;

/// <summary>Which state may follow which: what the API's actions check before they change anything.</summary>
internal static class CampaignStates
{
    public static bool CanMove(CampaignState from, CampaignState to) => (from, to) switch
    {
        (CampaignState.Draft, CampaignState.Scheduled) => true,
        (CampaignState.Scheduled, CampaignState.Running or CampaignState.Paused or CampaignState.Cancelled) => true,
        // A recurring campaign goes back to waiting for its next firing after each run.
        (CampaignState.Running, CampaignState.Paused or CampaignState.Completed or CampaignState.Cancelled or CampaignState.Scheduled) => true,
        (CampaignState.Paused, CampaignState.Running or CampaignState.Scheduled or CampaignState.Cancelled) => true,
        _ => false,
    };

    /// <summary>A finished campaign (completed or cancelled) never changes again.</summary>
    public static bool IsFinal(CampaignState state) => state is CampaignState.Completed or CampaignState.Cancelled;

    public static string Wire(CampaignState state) => state.ToString().ToLowerInvariant();

    public static string Wire(RecipientState state) => state.ToString().ToLowerInvariant();
}
