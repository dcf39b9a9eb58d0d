// The agent's real-time link: one HubConnection to /hubs/agent (cookie auth, same origin).
// Method names match the server's IAgentClient. Live events and events replayed by
// GET /api/v1/sync?since=lastSeq go through the same handler; seq <= lastSeq is dropped.
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection, type IRetryPolicy } from "@microsoft/signalr";
import { api } from "./api";
import { store } from "./store";
import type { HubEvent, Presence } from "./types";

/** What counts as the agent being at the console. */
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "focus"] as const;

export const AGENT_EVENTS = [
  "ConversationUpdated",
  "MessageAdded",
  "MessageStatusChanged",
  "MessageUpdated",
  "OfferReceived",
  "OfferWithdrawn",
  "VisitorTyping",
  "PresenceChanged",
  "SupervisorAlert",
  "ContactImportProgress",
  "SurveyAnswered",
  "ReminderDue",
  "CampaignProgress",
] as const;

const SEQ_KEY = "crm.lastSeq";

/** Never gives up: 0, 1, 2, 4, 8, 16, then every 30 s (with a little jitter). */
const retryForever: IRetryPolicy = {
  nextRetryDelayInMilliseconds(ctx) {
    const base = ctx.previousRetryCount === 0 ? 0 : Math.min(30000, 1000 * 2 ** (ctx.previousRetryCount - 1));
    return base + Math.floor(Math.random() * 500);
  },
};

function loadSeq(): number {
  try {
    const n = Number(sessionStorage.getItem(SEQ_KEY));
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

class AgentHub {
  private connection: HubConnection | null = null;
  private lastSeq = loadSeq();
  private syncing = false;
  private buffered: HubEvent[] = [];
  private stopped = true;
  private restartTimer: number | undefined;
  private restartAttempts = 0;
  private first = true;
  private lastActiveSent = 0;
  private readonly onActivity = (): void => {
    // The hub sets an agent away after minutes without activity; once a minute is plenty to say "still here".
    const now = Date.now();
    if (now - this.lastActiveSent < 60_000 || this.connection?.state !== HubConnectionState.Connected) return;
    this.lastActiveSent = now;
    void this.connection.invoke("Active").catch(() => (this.lastActiveSent = 0));
  };
  /** Reloads the REST snapshot (lists); used when there is no seq to sync from. */
  private reloadSnapshot: () => Promise<void> = async () => undefined;

  get seq(): number {
    return this.lastSeq;
  }

  async start(reloadSnapshot: () => Promise<void>): Promise<void> {
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, this.onActivity, { passive: true });
    this.reloadSnapshot = reloadSnapshot;
    this.stopped = false;
    this.first = true;
    const connection = new HubConnectionBuilder()
      .withUrl("/hubs/agent")
      .withAutomaticReconnect(retryForever)
      .configureLogging(LogLevel.Warning)
      .build();
    for (const name of AGENT_EVENTS) connection.on(name, (ev: HubEvent) => this.receive({ ...ev, type: ev.type || name }));
    connection.onreconnecting(() => store.setConnection("reconnecting"));
    connection.onreconnected(() => void this.connected(false));
    connection.onclose(() => {
      if (this.connection !== connection || this.stopped) return;
      store.setConnection("offline");
      this.scheduleRestart();
    });
    this.connection = connection;
    await this.open();
  }

  private async open(): Promise<void> {
    const c = this.connection;
    if (!c || this.stopped || c.state !== HubConnectionState.Disconnected) return;
    store.setConnection("reconnecting");
    try {
      await c.start();
      this.restartAttempts = 0;
      await this.connected(this.first);
      this.first = false;
    } catch (err) {
      console.warn("[agentHub] start failed", err);
      store.setConnection("offline");
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer !== undefined) return;
    const delay = Math.min(30000, 1000 * 2 ** this.restartAttempts++) + Math.floor(Math.random() * 500);
    this.restartTimer = window.setTimeout(() => {
      this.restartTimer = undefined;
      void this.open();
    }, delay);
  }

  /** After (re)connecting: catch up on what was missed, holding live events until done. */
  private async connected(first: boolean): Promise<void> {
    store.setConnection("connected");
    this.lastActiveSent = 0;
    this.onActivity();
    this.syncing = true;
    try {
      // A fresh tab asks for the hub's newest seq *before* loading the lists, so nothing that
      // happens in between is missed: catching up from that seq re-applies it idempotently.
      if (this.lastSeq === 0) this.setSeq((await api.sync(Number.MAX_SAFE_INTEGER)).lastSeq);
      if (first) await this.reloadSnapshot();
      if (this.lastSeq > 0) await this.catchUp();
    } catch (err) {
      console.warn("[agentHub] sync failed; reloading lists", err);
      await this.reloadSnapshot().catch(() => undefined);
    } finally {
      this.syncing = false;
      const held = this.buffered;
      this.buffered = [];
      for (const ev of held) this.receive(ev);
    }
  }

  /** Pages through /sync until hasMore is false. */
  private async catchUp(): Promise<void> {
    for (let page = 0; page < 100; page++) {
      const res = await api.sync(this.lastSeq);
      for (const ev of res.events) this.handle(ev);
      if (res.events.length === 0) {
        // Nothing newer. A lastSeq below ours means the hub's event log was reset (a restored
        // database): start over from the hub's newest seq and refresh the lists.
        if (res.lastSeq < this.lastSeq) {
          this.setSeq(res.lastSeq);
          await this.reloadSnapshot();
        }
        return;
      }
      if (res.lastSeq > this.lastSeq) this.setSeq(res.lastSeq);
      if (!res.hasMore) return;
    }
  }

  private receive(ev: HubEvent): void {
    if (this.syncing && ev.seq > 0) {
      this.buffered.push(ev);
    } else if (ev.seq > this.lastSeq + 1 && this.lastSeq > 0) {
      // Pushes from concurrent commits can overtake each other. Show this one now, but keep
      // lastSeq where it is and fetch the gap, so the overtaken event is not dropped.
      this.apply(ev);
      this.scheduleGapSync();
    } else {
      this.handle(ev);
    }
  }

  private gapTimer: number | undefined;

  private scheduleGapSync(): void {
    if (this.gapTimer !== undefined) return;
    this.gapTimer = window.setTimeout(async () => {
      this.gapTimer = undefined;
      this.syncing = true;
      try {
        await this.catchUp();
      } catch (err) {
        console.warn("[agentHub] gap sync failed", err);
      } finally {
        this.syncing = false;
        const held = this.buffered;
        this.buffered = [];
        for (const ev of held) this.receive(ev);
      }
    }, 250);
  }

  /** The one handler for live and synced events. */
  private handle(ev: HubEvent): void {
    if (ev.seq > 0) {
      if (ev.seq <= this.lastSeq) return;
      this.setSeq(ev.seq);
    }
    this.apply(ev);
  }

  private apply(ev: HubEvent): void {
    try {
      store.apply(ev);
    } catch (err) {
      console.error("[agentHub] could not apply", ev, err);
    }
  }

  private setSeq(seq: number): void {
    this.lastSeq = seq;
    try {
      sessionStorage.setItem(SEQ_KEY, String(seq));
    } catch {
      /* ignore */
    }
  }

  private fire(method: string, ...args: unknown[]): void {
    const c = this.connection;
    if (c?.state === HubConnectionState.Connected) c.send(method, ...args).catch((err) => console.warn(`[agentHub] ${method}`, err));
  }

  setPresence(presence: Presence): void {
    this.fire("SetPresence", presence);
  }

  typing(conversationId: string, isTyping: boolean): void {
    this.fire("Typing", conversationId, isTyping);
  }

  async stop(): Promise<void> {
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, this.onActivity);
    this.stopped = true;
    window.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const c = this.connection;
    this.connection = null;
    store.setConnection("offline");
    if (c) await c.stop().catch(() => undefined);
  }

  forgetSeq(): void {
    this.lastSeq = 0;
    try {
      sessionStorage.removeItem(SEQ_KEY);
    } catch {
      /* ignore */
    }
  }
}

export const agentHub = new AgentHub();
