// The supervisor board's live link: one HubConnection to /hubs/supervisor (cookie auth, same origin). Method names match
// the server's ISupervisorClient: BoardSnapshot once per connection, then BoardDelta (whole changed rows) merged into it.
import { HubConnectionBuilder, LogLevel, type HubConnection } from "@microsoft/signalr";
import type { BoardDelta, BoardSnapshot } from "./boardTypes";

export type BoardListener = (board: BoardSnapshot) => void;

function merge<T>(rows: T[], changed: T[], key: (row: T) => string, removed: string[] = []): T[] {
  const byKey = new Map(rows.map((r) => [key(r), r] as const));
  for (const r of changed) byKey.set(key(r), r);
  for (const k of removed) byKey.delete(k);
  return [...byKey.values()];
}

/** Applies a delta over a snapshot (a delta not newer than the snapshot changes nothing). */
export function applyDelta(board: BoardSnapshot, d: BoardDelta): BoardSnapshot {
  if (d.version <= board.version && d.day === board.day) return board;
  // Newest first by seq: an alert committed earlier can be pushed after a newer one.
  const alerts = [...d.alerts, ...board.alerts.filter((a) => !d.alerts.some((n) => n.seq === a.seq))]
    .sort((a, b) => b.seq - a.seq).slice(0, 50);
  return {
    version: d.version,
    at: d.at,
    day: d.day,
    headline: d.headline ?? board.headline,
    queues: merge(board.queues, d.queues, (r) => r.key, d.removedQueues),
    channels: merge(board.channels, d.channels, (r) => r.key),
    agents: merge(board.agents, d.agents, (r) => r.id, d.removedAgents),
    health: merge(board.health, d.health, (r) => r.channel),
    alerts,
  };
}

export class SupervisorHub {
  private connection: HubConnection | null = null;
  private board: BoardSnapshot | null = null;

  constructor(private readonly listener: BoardListener, private readonly onState: (state: "connected" | "reconnecting" | "offline") => void) {}

  async start(): Promise<void> {
    const connection = new HubConnectionBuilder()
      .withUrl("/hubs/supervisor")
      .withAutomaticReconnect()
      .configureLogging(LogLevel.Warning)
      .build();
    connection.on("BoardSnapshot", (s: BoardSnapshot) => {
      this.board = s;
      this.listener(s);
    });
    connection.on("BoardDelta", (d: BoardDelta) => {
      // Deltas before this connection's snapshot are already in it.
      if (!this.board) return;
      this.board = applyDelta(this.board, d);
      this.listener(this.board);
    });
    connection.onreconnecting(() => {
      // A new snapshot comes with the new connection.
      this.board = null;
      this.onState("reconnecting");
    });
    connection.onreconnected(() => this.onState("connected"));
    connection.onclose(() => this.onState("offline"));
    this.connection = connection;
    await connection.start();
    this.onState("connected");
  }

  async stop(): Promise<void> {
    const c = this.connection;
    this.connection = null;
    await c?.stop();
  }
}
