namespace Crm.Routing;

public enum AgentPresence
{
    Offline,
    Away,
    Online,
}
