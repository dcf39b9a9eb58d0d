namespace Crm.Channels.Sms;

/// <summary>A parsed webhook: either <see cref="Value"/>, or <see cref="Error"/> saying why the request is a bad one (a 400).</summary>
public sealed record WebhookParse<T>(T? Value, string? Error) where T : class;

internal static class WebhookParse
{
    public static WebhookParse<T> Ok<T>(T value) where T : class => new(value, null);

    public static WebhookParse<T> Fail<T>(string error) where T : class => new(null, error);
}
