using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Auth;

/// <summary>Section <c>Crm:Auth</c>.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Crm:Auth";

    /// <summary>Login and token attempts allowed per client IP per minute.</summary>
    [Range(1, 100_000, ErrorMessage = "Crm:Auth:LoginAttemptsPerMinute must be between 1 and 100000.")]
    public int LoginAttemptsPerMinute { get; set; } = 10;

    [Range(1, 24 * 30, ErrorMessage = "Crm:Auth:CookieLifetimeHours must be between 1 and 720.")]
    public int CookieLifetimeHours { get; set; } = 12;

    [Range(1, 24 * 60, ErrorMessage = "Crm:Auth:TokenLifetimeMinutes must be between 1 and 1440.")]
    public int TokenLifetimeMinutes { get; set; } = 60;
}

/// <summary>Section <c>Crm:Bootstrap</c>: the first admin, for automation and containers.</summary>
internal sealed class BootstrapOptions
{
    public const string Section = "Crm:Bootstrap";

    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
}
