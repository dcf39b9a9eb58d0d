namespace Crm.Routing.Replay;

/// <summary>Waits in seconds: how many, the mean and the percentiles a supervisor compares.</summary>
public sealed record WaitFigures(int Count, double MeanSeconds, double P50Seconds, double P90Seconds, double P99Seconds, double MaxSeconds);

/// <summary>For a queue (or all of them): how many came, were taken, met their first-response SLA, and how long they waited.</summary>
public sealed record QueueOutcome(string Queue, int Conversations, int Answered, int Unanswered, int WithSla, int SlaMet, double? SlaCompliance, WaitFigures Waits);

/// <summary>An agent's share of the replayed day: conversations taken, time busy (any conversation in hand) and occupancy of their shifts.</summary>
public sealed record AgentOutcome(Guid AgentId, string Name, int Conversations, double BusySeconds, double OnShiftSeconds, double? Occupancy);

/// <summary>What the candidate policy and staffing would have done with the recorded conversations.</summary>
public sealed record ReplayReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int PolicyVersion,
    QueueOutcome Overall,
    IReadOnlyList<QueueOutcome> Queues,
    IReadOnlyList<AgentOutcome> Agents,
    int Overflows,
    int Escalations,
    int SlaAtRisk);
