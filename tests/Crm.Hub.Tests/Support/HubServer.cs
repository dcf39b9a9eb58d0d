using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Support;

/// <summary>
/// One real hub per test class: Kestrel on 127.0.0.1 with a random port, its own SQLite file and key ring
/// in a temporary folder, and a known admin.
/// </summary>
public class HubServer : IAsyncLifetime
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Password-1";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-tests", Guid.NewGuid().ToString("N"));
    private Factory? _factory;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    /// <summary>Settings a subclass may add or override.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Starts what the hub's settings point at (a mail server) before the hub itself.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await BeforeStartAsync();
        Directory.CreateDirectory(_dataDirectory);
        var settings = new Dictionary<string, string?>
        {
            ["Crm:Database:ConnectionString"] = $"Data Source={Path.Combine(_dataDirectory, "crm.db")}",
            ["Crm:DataDirectory"] = _dataDirectory,
            ["Crm:Bootstrap:AdminEmail"] = AdminEmail,
            ["Crm:Bootstrap:AdminPassword"] = AdminPassword,
            ["Crm:Routing:DisconnectGraceSeconds"] = "0",
            ["Crm:Auth:LoginAttemptsPerMinute"] = "1000",
            ["Crm:Channels:WebChat:SessionsPerMinute"] = "100000",
            ["Crm:Channels:WebChat:AllowedOrigins:0"] = "http://127.0.0.1:1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        _factory = new Factory(settings);
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();
        BaseAddress = client.BaseAddress!;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }

    public HttpClient Client(string? bearerToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }
        return client;
    }

    public async Task<string> TokenAsync(string email = AdminEmail, string password = AdminPassword)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Creates an agent through the admin API and returns its id and a bearer token.</summary>
    public async Task<(Guid Id, string Token)> CreateAgentAsync(string name, int webchatCapacity = 3, bool autoAccept = false, string role = "agent",
        IReadOnlyList<Guid>? teamIds = null, int smsCapacity = 0, Dictionary<string, int>? extraCapacity = null)
    {
        using var admin = Client(await TokenAsync());
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var response = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email,
            displayName = name,
            password = "Agent-Password-1",
            role,
            autoAccept,
            teamIds = teamIds ?? [],
            capacity = new Dictionary<string, int>(extraCapacity ?? []) { ["webchat"] = webchatCapacity, ["sms"] = smsCapacity },
        });
        response.EnsureSuccessStatusCode();
        var agent = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (agent.GetProperty("id").GetGuid(), await TokenAsync(email, "Agent-Password-1"));
    }

    public HubConnection AgentConnection(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, "/hubs/agent"), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.Transports = HttpTransportType.WebSockets;
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions = Json)
        .Build();

    public HubConnection VisitorConnection(string visitorToken) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, $"/hubs/visitor?visitor_token={Uri.EscapeDataString(visitorToken)}"), o => o.Transports = HttpTransportType.WebSockets)
        .AddJsonProtocol(o => o.PayloadSerializerOptions = Json)
        .Build();

    public async Task<string> NewVisitorAsync(string? name = null)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("/api/v1/widget/session", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("visitorToken").GetString()!;
    }

    /// <summary>A new widget visitor writes <paramref name="body"/>; returns the conversation it opened.</summary>
    public async Task<Guid> VisitorWritesAsync(string body, string name = "Visitor")
    {
        var visitorToken = await NewVisitorAsync(name);
        await using var visitor = VisitorConnection(visitorToken);
        await visitor.StartAsync();
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body });
        using var widget = Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        return session.GetProperty("conversationId").GetGuid();
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
