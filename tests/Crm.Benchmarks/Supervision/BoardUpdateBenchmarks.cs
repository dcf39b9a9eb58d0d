using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Crm.Benchmarks.Reporting;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Supervision;
using Crm.Routing;

namespace Crm.Benchmarks.Supervision;

/// <summary>
/// The cost of one live-board update (issue 7), on a board holding a busy centre: 10,000 open conversations (5,000 waiting in
/// 20 queues, 5,000 assigned, 10 to each of 500 agents) across 5 channels, after a morning of events. Each update is a stored
/// event exactly as the writers store it (JSON view payload). The baseline is reading the same event into a history change
/// (<see cref="ConversationHistoryMapper.Read"/>, a JSON parse), which every update includes.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Short))]
public class BoardUpdateBenchmarks
{
    /// <summary>
    /// Short job, in process: building a second copy of the hub (with its UI) for an out-of-process job exceeds BenchmarkDotNet's
    /// build timeout on a shared 2-core machine.
    /// </summary>
    private sealed class Short : ManualConfig
    {
        public Short()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new P99Column());
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
        }
    }

    private const int Agents = 500, Queues = 20, PerAgent = 10, Waiting = 5_000;
    private static readonly string[] Channels = ["webchat", "sms", "email", "telegram", "fax"];
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 6, 0, 0, TimeSpan.Zero);

    private BoardState _board = null!;
    private ConversationEvent _inbound = null!;
    private ConversationEvent _assigned = null!;
    private ConversationEvent _transferred = null!;
    private BoardDiff _diff = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void SetUp()
    {
        _board = new BoardState(new MetricsSettings(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc),
            new SlaPolicy(new SlaTarget(TimeSpan.FromHours(4), TimeSpan.FromHours(24)), []), TimeSpan.FromDays(7)));
        var agentIds = Enumerable.Range(0, Agents).Select(i => Id(0xa0000 + i)).ToArray();
        var queueIds = Enumerable.Range(0, Queues).Select(i => Id(0xf0000 + i)).ToArray();
        _board.SetAgents(agentIds.Select((id, i) => new BoardAgentInfo(id, $"Agent {i}", AgentPresence.Online,
            Channels.ToDictionary(c => c, _ => 4), null, new Dictionary<string, int>(), [])), T0);
        _board.SetQueues(queueIds.Select((id, i) => new BoardQueueInfo(id, $"Queue {i}", [Channels[i % Channels.Length]], null, 1, null)));
        var seq = 0L;
        var at = T0;
        Conversation? last = null;
        for (var n = 0; n < Agents * PerAgent + Waiting; n++)
        {
            at = at.AddMilliseconds(300);
            var c = new Conversation
            {
                Id = Id(n + 1), Number = n + 1, ContactId = Id(0xc00000 + n), Channel = Channels[n % Channels.Length],
                Status = ConversationStatus.Waiting, CreatedAt = at, QueueId = queueIds[n % Queues],
            };
            _board.Apply(Updated(++seq, c, EventKinds.Opened, null, at));
            _board.Apply(Inbound(++seq, c, at));
            if (n < Agents * PerAgent)
            {
                c.Status = ConversationStatus.Assigned;
                c.AssigneeId = agentIds[n % Agents];
                _board.Apply(Updated(++seq, c, EventKinds.Assigned, c.AssigneeId, at.AddSeconds(20)));
            }
            last = c;
        }
        _now = at.AddMinutes(1);
        // The measured events: the customer of a waiting conversation writes again; an agent takes it, then hands it back.
        _inbound = Inbound(0, last!, _now);
        last!.Status = ConversationStatus.Assigned;
        last.AssigneeId = agentIds[0];
        _assigned = Updated(0, last, EventKinds.Assigned, agentIds[0], _now);
        last.Status = ConversationStatus.Waiting;
        last.AssigneeId = null;
        _transferred = Updated(0, last, EventKinds.Transferred, agentIds[0], _now);
        _diff = new BoardDiff();
        _diff.Next(_board.Snapshot(_now));
        if (_board.OpenConversations != Agents * PerAgent + Waiting)
        {
            throw new InvalidOperationException($"Expected {Agents * PerAgent + Waiting} open conversations, got {_board.OpenConversations}.");
        }
    }

    /// <summary>Baseline: reading the stored event (JSON) into what it changes, as every update does.</summary>
    [Benchmark(Baseline = true)]
    public bool MapInboundEvent() => ConversationHistoryMapper.Read(_inbound) is not null;

    /// <summary>A customer message on an open conversation: live metrics, channel health, the conversation's clocks.</summary>
    [Benchmark]
    public bool ApplyInboundMessage() => _board.Apply(_inbound);

    /// <summary>Two updates: an agent takes a waiting conversation (queue, agent load, time to assign), then transfers it back.</summary>
    [Benchmark]
    public bool ApplyAssignThenTransfer() => _board.Apply(_assigned) & _board.Apply(_transferred);

    /// <summary>What one coalesced push costs (at most four a second): the whole snapshot and its diff against the last one.</summary>
    [Benchmark]
    public BoardDelta? SnapshotAndDiff() => _diff.Next(_board.Snapshot(_now));

    private static Guid Id(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:x12}");

    private static ConversationEvent Updated(long seq, Conversation c, string kind, Guid? agent, DateTimeOffset at) => new()
    {
        Seq = seq, ConversationId = c.Id, Kind = kind, ClientMethod = StaffEvents.ConversationUpdated, AgentId = agent, At = at,
        Data = WireJson.Serialize(ConversationViews.From(c, "Contact", null)),
    };

    private static ConversationEvent Inbound(long seq, Conversation c, DateTimeOffset at) => new()
    {
        Seq = seq, ConversationId = c.Id, Kind = EventKinds.Received, ClientMethod = StaffEvents.MessageAdded, At = at,
        Data = WireJson.Serialize(ConversationViews.From(new Message
        {
            Id = Guid.NewGuid(), ConversationId = c.Id, Direction = MessageDirection.Inbound, Channel = c.Channel, Body = "Any news on my order?",
            CreatedAt = at,
        }, null)),
    };
}
