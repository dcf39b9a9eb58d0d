using Crm.Routing.Classification;

namespace Crm.Routing.Replay;

/// <summary>
/// What-if replay: feeds a recorded day of conversations through the real engine under a candidate policy and staffing, on a
/// simulated clock, and reports the waits, SLA compliance and occupancy that would have followed. Agents take what they are
/// offered at once (the replay measures routing and staffing, not how quickly people click), then keep each conversation for
/// its recorded handle time. Deterministic: the same inputs always give the same report.
/// </summary>
public static class WhatIfReplay
{
    private enum Kind
    {
        ShiftEnds,
        Closes,
        ShiftStarts,
        Arrives,
    }

    /// <summary>
    /// Replays <paramref name="recorded"/> over the period <paramref name="from"/>–<paramref name="to"/> (default: first arrival to the
    /// last event). The replay stops at <paramref name="to"/>: a conversation nobody took by then counts as unanswered, so a plan that
    /// cannot serve a channel costs a bounded amount of work. Agents without shifts are on for the whole period. Idle-away is off:
    /// replayed agents are at work while on shift.
    /// </summary>
    public static ReplayReport Run(IReadOnlyList<RecordedConversation> recorded, RoutingPolicy policy, IReadOnlyList<StaffedAgent> staffing,
        RoutingOptions options, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(staffing);
        ArgumentNullException.ThrowIfNull(options);
        var start = from ?? (recorded.Count > 0 ? recorded.Min(c => c.ArrivedAt) : DateTimeOffset.UnixEpoch);
        var clock = new SimulatedClock(start);
        var engine = new RoutingEngine(options with { AwayAfterIdle = TimeSpan.Zero }, clock);
        var run = new ReplayRun(recorded, policy, staffing, engine, clock);
        return run.Execute(start, to, cancellation);
    }

    /// <summary>One replay's state: the event calendar, and what happened to each conversation and agent.</summary>
    private sealed class ReplayRun(
        IReadOnlyList<RecordedConversation> recorded, RoutingPolicy policy, IReadOnlyList<StaffedAgent> staffing, RoutingEngine engine, SimulatedClock clock)
    {
        private readonly PriorityQueue<(Kind Kind, int Index), (DateTimeOffset At, Kind Kind, int Index)> _calendar = new();
        private readonly Dictionary<Guid, int> _conversationIndex = recorded.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        private readonly Dictionary<Guid, int> _agentIndex = staffing.Select((a, i) => (a.Id, i)).ToDictionary(x => x.Id, x => x.i);
        private readonly DateTimeOffset?[] _takenAt = new DateTimeOffset?[recorded.Count];
        private readonly Guid?[] _takenBy = new Guid?[recorded.Count];
        private readonly string[] _queue = new string[recorded.Count];
        private readonly DateTimeOffset?[] _slaDue = new DateTimeOffset?[recorded.Count];
        private readonly int[] _handled = new int[staffing.Count];
        private readonly int[] _holding = new int[staffing.Count];
        private readonly DateTimeOffset?[] _busySince = new DateTimeOffset?[staffing.Count];
        private readonly double[] _busySeconds = new double[staffing.Count];
        private int _overflows;
        private int _escalations;
        private int _atRisk;

        public ReplayReport Execute(DateTimeOffset from, DateTimeOffset? to, CancellationToken cancellation)
        {
            for (var i = 0; i < recorded.Count; i++)
            {
                Schedule(recorded[i].ArrivedAt, Kind.Arrives, i);
            }

            for (var a = 0; a < staffing.Count; a++)
            {
                var shifts = staffing[a].Shifts;
                if (shifts is null || shifts.Count == 0)
                {
                    Apply(Upserted(staffing[a], AgentPresence.Online));
                    continue;
                }

                Apply(Upserted(staffing[a], AgentPresence.Offline));
                foreach (var shift in shifts)
                {
                    Schedule(shift.From, Kind.ShiftStarts, a);
                    Schedule(shift.To, Kind.ShiftEnds, a);
                }
            }

            var end = clock.GetUtcNow();
            for (var steps = 0L; ; steps++)
            {
                if ((steps & 0xFFF) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }

                var deadline = engine.NextDeadline;
                var hasEvent = _calendar.TryPeek(out var next, out var key);
                if (!hasEvent && deadline is null)
                {
                    break;
                }

                var at = deadline is { } d && (!hasEvent || d < key.At) ? d : key.At;
                if (at > to)
                {
                    break;
                }

                if (deadline is { } due && (!hasEvent || due < key.At))
                {
                    clock.Set(due);
                    Apply(new Tick());
                    continue;
                }

                _calendar.Dequeue();
                clock.Set(key.At);
                end = key.At;
                Handle(next.Kind, next.Index);
            }

            return Report(from, to ?? end);
        }

        private void Schedule(DateTimeOffset at, Kind kind, int index) => _calendar.Enqueue((kind, index), (at, kind, index));

        private void Handle(Kind kind, int index)
        {
            switch (kind)
            {
                case Kind.Arrives:
                    Arrive(index);
                    break;
                case Kind.Closes:
                    Apply(new ConversationClosed(recorded[index].Id));
                    break;
                case Kind.ShiftStarts:
                    Apply(new AgentPresenceChanged(staffing[index].Id, AgentPresence.Online));
                    break;
                case Kind.ShiftEnds:
                    Apply(new AgentPresenceChanged(staffing[index].Id, AgentPresence.Offline));
                    break;
                default:
                    break;
            }
        }

        private void Arrive(int index)
        {
            var c = recorded[index];
            var queue = policy.Classify(c.Facts);
            _queue[index] = queue?.Name ?? "(no queue)";
            _slaDue[index] = queue?.FirstResponseSla is { } sla ? c.ArrivedAt + sla : null;
            Apply(new ConversationWaiting(c.Id, c.Facts.Channel, queue?.Priority ?? 0, c.ArrivedAt, queue?.TeamId, c.ResponsibleAgentId,
                SlaDueAt: _slaDue[index], Skill: queue?.Skill, MinProficiency: queue?.MinProficiency ?? 1,
                Overflow: policy.LadderFrom(queue?.Id), AlertAfter: queue?.AlertAfter));
        }

        private void Apply(RoutingEvent routingEvent)
        {
            var now = clock.GetUtcNow();
            foreach (var d in engine.Apply(routingEvent))
            {
                switch (d.Kind)
                {
                    case DecisionKind.Assigned when _conversationIndex.TryGetValue(d.ConversationId, out var c) && d.AgentId is Guid agentId:
                        _takenAt[c] ??= now;
                        _takenBy[c] ??= agentId;
                        Hold(agentId, +1, now);
                        Schedule(now + recorded[c].HandleTime, Kind.Closes, c);
                        break;
                    case DecisionKind.Released when d.AgentId is Guid agentId:
                        Hold(agentId, -1, now);
                        break;
                    case DecisionKind.Overflowed:
                        _overflows++;
                        break;
                    case DecisionKind.Escalated:
                        _escalations++;
                        break;
                    case DecisionKind.SlaAtRisk:
                        _atRisk++;
                        break;
                    default:
                        break;
                }
            }
        }

        /// <summary>Busy time counts while the agent holds at least one conversation, however many.</summary>
        private void Hold(Guid agentId, int delta, DateTimeOffset now)
        {
            if (!_agentIndex.TryGetValue(agentId, out var a))
            {
                return;
            }

            if (delta > 0)
            {
                _handled[a]++;
                _busySince[a] ??= now;
            }

            _holding[a] += delta;
            if (_holding[a] == 0 && _busySince[a] is { } since)
            {
                _busySeconds[a] += (now - since).TotalSeconds;
                _busySince[a] = null;
            }
        }

        private ReplayReport Report(DateTimeOffset from, DateTimeOffset end)
        {
            var all = Enumerable.Range(0, recorded.Count).ToList();
            var queues = all.GroupBy(i => _queue[i]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Outcome(g.Key, [.. g])).ToList();
            var agents = staffing.Select((a, i) =>
            {
                var onShift = a.Shifts is { Count: > 0 } shifts
                    ? shifts.Sum(s => Math.Max(0, (Min(s.To, end) - Max(s.From, from)).TotalSeconds))
                    : (end - from).TotalSeconds;
                // Still busy when the period ends: busy until then.
                var busy = _busySeconds[i] + (_busySince[i] is { } since && end > since ? (end - since).TotalSeconds : 0);
                return new AgentOutcome(a.Id, a.Name, _handled[i], busy, onShift, onShift > 0 ? Math.Min(1, busy / onShift) : null);
            }).ToList();
            return new ReplayReport(from, end, policy.Version, Outcome("all", all), queues, agents, _overflows, _escalations, _atRisk);
        }

        private QueueOutcome Outcome(string name, List<int> indexes)
        {
            var waits = indexes.Where(i => _takenAt[i] is not null).Select(i => (_takenAt[i]!.Value - recorded[i].ArrivedAt).TotalSeconds).ToList();
            var withSla = indexes.Where(i => _slaDue[i] is not null).ToList();
            var met = withSla.Count(i => _takenAt[i] is { } taken && taken + (recorded[i].FirstResponseAfter ?? TimeSpan.Zero) <= _slaDue[i]);
            return new QueueOutcome(name, indexes.Count, waits.Count, indexes.Count - waits.Count, withSla.Count, met,
                withSla.Count > 0 ? (double)met / withSla.Count : null, Figures(waits));
        }

        private static WaitFigures Figures(List<double> waits)
        {
            if (waits.Count == 0)
            {
                return new WaitFigures(0, 0, 0, 0, 0, 0);
            }

            waits.Sort();
            double At(double p) => waits[Math.Clamp((int)Math.Ceiling(p * waits.Count) - 1, 0, waits.Count - 1)];
            return new WaitFigures(waits.Count, waits.Average(), At(0.5), At(0.9), At(0.99), waits[^1]);
        }

        private static AgentUpserted Upserted(StaffedAgent a, AgentPresence presence) =>
            new(a.Id, presence, a.CapacityByChannel, a.TeamIds, AutoAccept: true, a.Skills, a.Profile);

        private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }

    /// <summary>The replay's clock: set by the event loop, read by the engine.</summary>
    private sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Set(DateTimeOffset at) => _now = at > _now ? at : _now;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
