using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Campaigns;

/// <summary>Section <c>Crm:Campaigns</c>.</summary>
internal sealed class CampaignOptions
{
    public const string Section = "Crm:Campaigns";

    /// <summary>What one SMS segment costs, for the estimate beside a template preview (the provider's invoice is the truth).</summary>
    [Range(0, 1000, ErrorMessage = "Crm:Campaigns:SmsPricePerSegment must be between 0 and 1000.")]
    public decimal SmsPricePerSegment { get; set; } = 0.0079m;

    /// <summary>ISO 4217 code the price is in.</summary>
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Crm:Campaigns:Currency must be a three-letter ISO 4217 code such as USD.")]
    public string Currency { get; set; } = "USD";
}
