// The visitor's side of the conversation: the session (POST /api/v1/widget/session), the visitor hub
// (/hubs/visitor?visitor_token=...), the outbox of unsent messages and delivery acks. No DOM here.
import {
  HttpTransportType,
  HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type IRetryPolicy,
} from "@microsoft/signalr";
import { uuid } from "../shared/h";

export type VisitorStatus = "sent" | "delivered" | "read" | "failed";

/** VisitorMessage from the contract. "inbound" = written by the visitor; "outbound" = an agent's reply. */
export interface VisitorMessage {
  id: string;
  clientMessageId: string | null;
  direction: "inbound" | "outbound";
  body: string;
  createdAt: string;
  status: VisitorStatus;
  agentName: string | null;
  /** Set on a survey question: the widget shows its scale as buttons. */
  survey?: VisitorSurvey | null;
}

/** VisitorSurvey from the contract: answered with AnswerSurvey(id, score); the first answer is final. */
export interface VisitorSurvey {
  id: string;
  kind: "csat" | "nps" | "ces";
  min: number;
  max: number;
  score: number | null;
  open: boolean;
}

/** A message as the widget shows it: "pending" until the server has committed it. */
export interface ChatMessage extends Omit<VisitorMessage, "status"> {
  status: VisitorStatus | "pending";
  error?: string;
}

export type LinkState = "idle" | "connecting" | "connected" | "reconnecting" | "offline";

export interface Profile {
  name?: string;
  email?: string;
}

interface SessionResponse {
  visitorToken: string;
  conversationId: string | null;
  messages: VisitorMessage[];
}

const TOKEN_KEY = "crm.visitorToken";

/** The server echoes clientMessageId from a stored GUID, so compare them format-insensitively. */
const sameId = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && a.replace(/[-{}]/g, "").toLowerCase() === b.replace(/[-{}]/g, "").toLowerCase();
const RANK: Record<ChatMessage["status"], number> = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/** Never gives up: 0s, 2s, 5s, 10s, then every 20–30s. */
const retryForever: IRetryPolicy = {
  nextRetryDelayInMilliseconds(ctx) {
    const steps = [0, 2000, 5000, 10000, 20000];
    const base = steps[ctx.previousRetryCount] ?? 20000;
    return base + Math.floor(Math.random() * Math.min(base, 10000) * 0.5);
  },
};

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled (private mode, sandboxed iframe): the chat still works for this page view */
  }
}

export class VisitorClient {
  messages: ChatMessage[] = [];
  conversationId: string | null = null;
  link: LinkState = "idle";
  agentTyping: { isTyping: boolean; agentName: string | null } = { isTyping: false, agentName: null };
  /** True while the panel is open and the page is visible: agent messages count as read. */
  viewing = false;
  /** Set when the session endpoint is unreachable, so the UI can say so. */
  unavailable = false;
  /** Validation messages from the session endpoint (e.g. a malformed pre-chat email), by field. */
  formErrors: Record<string, string> = {};

  private token: string | null = readToken();
  private connection: HubConnection | null = null;
  private flushing = false;
  private disposed = false;
  private restartTimer: number | undefined;
  private restartAttempts = 0;
  private typingTimer: number | undefined;
  private readonly acked = new Map<string, "delivered" | "read">();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly base: string,
    private readonly debug: boolean,
  ) {}

  get hasSession(): boolean {
    return this.token !== null;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  get unread(): number {
    return this.messages.filter((m) => m.direction === "outbound" && m.status !== "read" && this.acked.get(m.id) !== "read").length;
  }

  /**
   * Creates or resumes the session and fills in the history. With an invalid stored token (401) the
   * token is dropped; then a fresh session is created only when `createIfMissing` (the visitor is
   * actively chatting), otherwise the widget goes back to its pre-chat state.
   */
  async resume(createIfMissing: boolean, profile: Profile = {}): Promise<boolean> {
    if (!this.token && !createIfMissing) return false;
    try {
      let res = await this.postSession(profile);
      if (res.status === 401 && this.token) {
        this.forgetSession();
        if (!createIfMissing) {
          this.changed();
          return false;
        }
        res = await this.postSession(profile);
      }
      if (res.status === 400) {
        const problem = (await res.json().catch(() => ({}))) as { title?: string; errors?: Record<string, string[]> };
        this.formErrors = {};
        for (const [field, messages] of Object.entries(problem.errors ?? {})) this.formErrors[field.toLowerCase()] = messages.join(" ");
        if (!Object.keys(this.formErrors).length) this.formErrors.form = problem.title ?? "";
        this.unavailable = false;
        this.changed();
        return false;
      }
      if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
      const session = (await res.json()) as SessionResponse;
      this.unavailable = false;
      this.formErrors = {};
      this.token = session.visitorToken;
      writeToken(session.visitorToken);
      this.conversationId = session.conversationId;
      this.mergeHistory(session.messages ?? []);
      this.changed();
      return true;
    } catch (err) {
      this.log("session failed", err);
      this.unavailable = true;
      this.changed();
      return false;
    }
  }

  private postSession(profile: Profile): Promise<Response> {
    const body: Record<string, string> = {};
    if (this.token) body.visitorToken = this.token;
    if (profile.name) body.name = profile.name;
    if (profile.email) body.email = profile.email;
    return fetch(`${this.base}/api/v1/widget/session`, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  }

  private forgetSession(): void {
    this.token = null;
    writeToken(null);
    this.conversationId = null;
    this.messages = this.messages.filter((m) => m.status === "pending");
    this.acked.clear();
    void this.stopConnection();
  }

  /** Opens the visitor hub (once a session exists). Safe to call repeatedly. */
  async connect(): Promise<void> {
    if (!this.token || this.disposed) return;
    if (this.connection && this.connection.state !== HubConnectionState.Disconnected) return;
    const url = `${this.base}/hubs/visitor?visitor_token=${encodeURIComponent(this.token)}`;
    const connection = new HubConnectionBuilder()
      // The server reads the token from the query string. WebSockets without negotiation: no CORS
      // preflight, no cookies, no sticky sessions needed behind a load balancer.
      .withUrl(url, { transport: HttpTransportType.WebSockets, skipNegotiation: true, withCredentials: false })
      .withAutomaticReconnect(retryForever)
      .configureLogging(this.debug ? LogLevel.Information : LogLevel.None)
      .build();
    connection.on("MessageReceived", (m: VisitorMessage) => this.onMessage(m));
    connection.on("MessageStatusChanged", (e: { messageId: string; status: VisitorStatus }) => this.onStatus(e));
    connection.on("AgentTyping", (e: { isTyping: boolean; agentName: string | null }) => this.onAgentTyping(e));
    connection.on("SurveyAnswered", (survey: VisitorSurvey) => this.onSurvey(survey));
    connection.onreconnecting(() => this.setLink("reconnecting"));
    connection.onreconnected(() => void this.afterConnect(true));
    connection.onclose(() => {
      if (this.connection !== connection || this.disposed) return;
      this.setLink("offline");
      this.scheduleRestart();
    });
    this.connection = connection;
    this.setLink("connecting");
    try {
      await connection.start();
      this.restartAttempts = 0;
      await this.afterConnect(false);
    } catch (err) {
      this.log("connect failed", err);
      if (this.connection !== connection) return;
      this.setLink("offline");
      // The token may have been revoked: re-validating it drops it on 401.
      await this.resume(true);
      if (this.token) this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.disposed || this.restartTimer !== undefined) return;
    const delay = Math.min(30000, 1000 * 2 ** this.restartAttempts++) + Math.floor(Math.random() * 1000);
    this.restartTimer = window.setTimeout(() => {
      this.restartTimer = undefined;
      void this.connect();
    }, delay);
  }

  private async afterConnect(reconnected: boolean): Promise<void> {
    this.setLink("connected");
    if (reconnected) await this.resume(true); // fill whatever we missed while away
    this.ackAll();
    await this.flush();
  }

  private setLink(link: LinkState): void {
    this.link = link;
    if (link !== "connected") this.agentTyping = { isTyping: false, agentName: null };
    this.changed();
  }

  private async stopConnection(): Promise<void> {
    const c = this.connection;
    this.connection = null;
    if (c) await c.stop().catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.restartTimer);
    void this.stopConnection();
  }

  /** Queues a message; it is sent now if connected, otherwise on (re)connect with the same clientMessageId. */
  send(body: string): void {
    const text = body.trim();
    if (!text) return;
    this.messages.push({
      id: "",
      clientMessageId: uuid(),
      direction: "inbound",
      body: text,
      createdAt: new Date().toISOString(),
      status: "pending",
      agentName: null,
    });
    this.typing(false);
    this.changed();
    void this.flush();
  }

  retry(clientMessageId: string): void {
    const m = this.messages.find((x) => x.clientMessageId === clientMessageId);
    if (!m || m.status !== "failed") return;
    m.status = "pending";
    delete m.error;
    this.changed();
    void this.flush();
    if (!this.connection) void this.connect();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const m of this.messages) {
        const c = this.connection;
        if (!c || c.state !== HubConnectionState.Connected) break;
        if (m.status !== "pending" || m.direction !== "inbound" || !m.clientMessageId) continue;
        try {
          const saved = await c.invoke<VisitorMessage>("Send", { clientMessageId: m.clientMessageId, body: m.body });
          this.merge(saved);
        } catch (err) {
          // Lost the connection mid-call: keep it queued. The server dedupes on clientMessageId.
          if (c.state !== HubConnectionState.Connected) break;
          m.status = "failed";
          const text = err instanceof Error ? err.message : String(err);
          // HubException text arrives as "An unexpected error occurred invoking 'Send' on the server. HubException: <text>".
          const reason = text.split("HubException: ")[1] ?? "";
          m.error = /too long|characters long|limit/i.test(reason || text) ? "tooLong" : reason;
        }
        this.changed();
      }
    } finally {
      this.flushing = false;
    }
    // Something was queued while we were busy.
    if (this.connection?.state === HubConnectionState.Connected && this.messages.some((m) => m.status === "pending")) {
      void this.flush();
    }
  }

  /** Visitor typing, debounced: true at most every 3s while typing, false after 2.5s idle. */
  private lastTypingSent = 0;
  typing(isTyping: boolean): void {
    window.clearTimeout(this.typingTimer);
    const now = Date.now();
    if (isTyping) {
      if (now - this.lastTypingSent > 3000) {
        this.lastTypingSent = now;
        this.fire("Typing", true);
      }
      this.typingTimer = window.setTimeout(() => this.typing(false), 2500);
    } else if (this.lastTypingSent) {
      this.lastTypingSent = 0;
      this.fire("Typing", false);
    }
  }

  private fire(method: string, ...args: unknown[]): void {
    const c = this.connection;
    if (c?.state === HubConnectionState.Connected) c.send(method, ...args).catch((err) => this.log(method, err));
  }

  /** Sets whether the visitor is looking at the conversation; acks agent messages as read when so. */
  setViewing(viewing: boolean): void {
    this.viewing = viewing;
    if (viewing) this.ackAll();
    this.changed();
  }

  private ackAll(): void {
    for (const m of this.messages) if (m.direction === "outbound" && m.id) this.ack(m);
  }

  private ack(m: ChatMessage): void {
    const c = this.connection;
    if (c?.state !== HubConnectionState.Connected) return;
    const want: "delivered" | "read" = this.viewing ? "read" : "delivered";
    const done = this.acked.get(m.id) ?? (m.status === "read" ? "read" : m.status === "delivered" ? "delivered" : undefined);
    if (done === "read" || done === want) return;
    this.acked.set(m.id, want);
    m.status = want;
    c.send("Ack", m.id, want).catch((err) => {
      this.acked.delete(m.id);
      this.log("ack", err);
    });
  }

  private onMessage(m: VisitorMessage): void {
    const merged = this.merge(m);
    if (m.direction === "outbound") {
      this.agentTyping = { isTyping: false, agentName: null };
      this.ack(merged);
    }
    this.changed();
  }

  /** A survey card's button; resolves false when the answer could not be recorded (closed, offline). */
  async answerSurvey(surveyId: string, score: number): Promise<boolean> {
    const c = this.connection;
    if (c?.state !== HubConnectionState.Connected) return false;
    try {
      this.onSurvey(await c.invoke<VisitorSurvey>("AnswerSurvey", surveyId, score));
      return true;
    } catch (err) {
      this.log("survey", err);
      return false;
    }
  }

  private onSurvey(survey: VisitorSurvey): void {
    const m = this.messages.find((x) => x.survey?.id === survey.id);
    if (m) {
      m.survey = survey;
      this.changed();
    }
  }

  private onStatus(e: { messageId: string; status: VisitorStatus }): void {
    const m = this.messages.find((x) => x.id === e.messageId);
    if (m && (e.status === "failed" || RANK[e.status] > RANK[m.status])) {
      m.status = e.status;
      this.changed();
    }
  }

  private agentTypingTimer: number | undefined;
  private onAgentTyping(e: { isTyping: boolean; agentName: string | null }): void {
    this.agentTyping = { isTyping: e.isTyping, agentName: e.agentName };
    window.clearTimeout(this.agentTypingTimer);
    // Never leave a stale indicator if the "stopped typing" event is lost.
    if (e.isTyping) this.agentTypingTimer = window.setTimeout(() => this.onAgentTyping({ isTyping: false, agentName: null }), 8000);
    this.changed();
  }

  /** Upserts a server message, matching local ones by id or clientMessageId; statuses only move forward. */
  private merge(m: VisitorMessage): ChatMessage {
    const existing = this.messages.find((x) => (m.id && x.id === m.id) || sameId(x.clientMessageId, m.clientMessageId));
    if (!existing) {
      const added: ChatMessage = { ...m };
      this.messages.push(added);
      return added;
    }
    const status = m.status === "failed" || RANK[m.status] >= RANK[existing.status] ? m.status : existing.status;
    Object.assign(existing, m, { status });
    delete existing.error;
    return existing;
  }

  private mergeHistory(history: VisitorMessage[]): void {
    const local = this.messages;
    this.messages = [];
    const used = new Set<ChatMessage>();
    for (const s of history) {
      const prior = local.find((m) => (m.id && m.id === s.id) || sameId(m.clientMessageId, s.clientMessageId));
      const next: ChatMessage = { ...s };
      if (prior) {
        used.add(prior);
        if (RANK[prior.status] > RANK[s.status] && s.status !== "failed") next.status = prior.status;
      }
      this.messages.push(next);
    }
    // A message committed after the server took this snapshot (it has a server id and time) goes
    // in its place; what the server hasn't seen yet (queued or failed sends) stays at the end.
    for (const m of local) {
      if (used.has(m) || !m.id) continue;
      let at = this.messages.length;
      while (at > 0 && this.messages[at - 1]!.createdAt > m.createdAt) at--;
      this.messages.splice(at, 0, m);
    }
    for (const m of local) if (!used.has(m) && !m.id) this.messages.push(m);
  }

  private log(what: string, err: unknown): void {
    if (this.debug) console.warn(`[crm-widget] ${what}`, err);
  }
}
