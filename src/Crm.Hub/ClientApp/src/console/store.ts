// The console's state: who I am, the conversations and messages I've seen, offers, typing and the
// connection. Components subscribe to topics and re-render only what changed. Every hub event —
// live or replayed by /sync — goes through `apply`, which is idempotent.
import type {
  AgentView,
  ConversationView,
  HubEvent,
  MessageStatusChanged,
  MessageUpdated,
  MessageView,
  OfferReceived,
  OfferWithdrawn,
  Presence,
  SupervisorAlert,
  TeamView,
} from "./types";
import { t } from "./i18n";
import type { ReminderDue } from "./remindersApi";

export type Topic =
  | "me"
  | "conversations"
  | "messages"
  | "offers"
  | "typing"
  | "connection"
  | "selection"
  | "directory"
  | "notice"
  | "imports"
  | "surveys"
  | "reminders"
  | "campaigns";

export type ConnectionState = "connected" | "reconnecting" | "offline";

export interface Offer {
  conversationId: string;
  expiresAt: string;
  /** When the offer was made (the event's time), for the progress bar. */
  offeredAt: string;
  conversation: ConversationView;
}

export interface Notice {
  id: number;
  text: string;
  kind: "error" | "info" | "warning" | "reminder";
  /** A conversation the notice links to (a due reminder's). */
  conversationId?: string | null;
}

type Listener = (detail?: string) => void;

const RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

class Store {
  me: AgentView | null = null;
  readonly conversations = new Map<string, ConversationView>();
  /** Threads that have been loaded, oldest message first. */
  readonly messages = new Map<string, MessageView[]>();
  offers: Offer[] = [];
  readonly typing = new Set<string>();
  connection: ConnectionState = "offline";
  selectedId: string | null = null;
  agents: AgentView[] = [];
  teams: TeamView[] = [];
  readonly drafts = new Map<string, { text: string; note: boolean }>();
  notices: Notice[] = [];

  private readonly listeners = new Map<Topic, Set<Listener>>();
  private readonly typingTimers = new Map<string, number>();
  private noticeSeq = 0;

  on(topic: Topic, fn: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(topic: Topic, detail?: string): void {
    for (const fn of [...(this.listeners.get(topic) ?? [])]) fn(detail);
  }

  get isSupervisor(): boolean {
    return this.me?.role === "supervisor" || this.me?.role === "admin";
  }

  setMe(me: AgentView | null): void {
    this.me = me;
    this.emit("me");
  }

  setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    this.emit("connection");
  }

  select(id: string | null): void {
    if (this.selectedId === id) return;
    this.selectedId = id;
    this.emit("selection");
  }

  upsertConversation(c: ConversationView, silent = false): void {
    this.conversations.set(c.id, c);
    if (c.status === "assigned" || c.status === "resolved") this.removeOffer(c.id);
    if (!silent) this.emit("conversations", c.id);
  }

  upsertConversations(list: ConversationView[]): void {
    for (const c of list) this.upsertConversation(c, true);
    this.emit("conversations");
  }

  setThread(conversationId: string, list: MessageView[]): void {
    const existing = this.messages.get(conversationId) ?? [];
    this.messages.set(conversationId, []);
    for (const m of [...list, ...existing]) this.addMessage(m, true);
    this.emit("messages", conversationId);
  }

  /** Adds or updates a message (dedup by id; delivery status only moves forward, except to failed). */
  addMessage(m: MessageView, silent = false): void {
    const thread = this.messages.get(m.conversationId);
    const c = this.conversations.get(m.conversationId);
    if (c && m.direction !== "note" && (!c.lastMessageAt || m.createdAt >= c.lastMessageAt)) {
      this.conversations.set(c.id, { ...c, lastMessageAt: m.createdAt, lastMessagePreview: m.body.slice(0, 140) });
      if (!silent) this.emit("conversations", c.id);
    }
    if (!thread) return; // not open: the thread is fetched when the agent opens it
    const i = thread.findIndex((x) => x.id === m.id);
    if (i >= 0) {
      const old = thread[i]!;
      thread[i] = { ...m, deliveryStatus: forward(old.deliveryStatus, m.deliveryStatus) };
    } else {
      let at = thread.length;
      while (at > 0 && thread[at - 1]!.createdAt > m.createdAt) at--;
      thread.splice(at, 0, m);
    }
    if (!silent) this.emit("messages", m.conversationId);
  }

  addOffer(offer: Offer): void {
    this.offers = [...this.offers.filter((o) => o.conversationId !== offer.conversationId), offer];
    this.emit("offers");
  }

  removeOffer(conversationId: string): void {
    if (!this.offers.some((o) => o.conversationId === conversationId)) return;
    this.offers = this.offers.filter((o) => o.conversationId !== conversationId);
    this.emit("offers");
  }

  setTyping(conversationId: string, isTyping: boolean): void {
    window.clearTimeout(this.typingTimers.get(conversationId));
    if (isTyping) {
      this.typing.add(conversationId);
      // Never leave a stale indicator if the "stopped" event is lost.
      this.typingTimers.set(conversationId, window.setTimeout(() => this.setTyping(conversationId, false), 8000));
    } else {
      this.typing.delete(conversationId);
    }
    this.emit("typing", conversationId);
  }

  /** Bumped on every directory change, so a slower, older load can tell it would overwrite newer data. */
  directoryVersion = 0;

  setDirectory(agents: AgentView[], teams: TeamView[]): void {
    this.agents = agents;
    this.teams = teams;
    this.directoryVersion++;
    this.emit("directory");
  }

  notify(text: string, kind: Notice["kind"] = "error", conversationId: string | null = null): void {
    const notice = { id: ++this.noticeSeq, text, kind, conversationId };
    this.notices = [...this.notices.slice(-2), notice];
    this.emit("notice");
    // A due reminder stays until the agent dismisses it: it is the reason they are looking.
    if (kind !== "reminder") window.setTimeout(() => this.dismiss(notice.id), 8000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    this.emit("notice");
  }

  /** Applies one hub event (live or from /sync). Unknown types are ignored. */
  apply(ev: HubEvent): void {
    switch (ev.type) {
      case "ConversationUpdated":
        this.upsertConversation(ev.data as ConversationView);
        break;
      case "MessageAdded":
        this.addMessage(ev.data as MessageView);
        break;
      case "MessageStatusChanged": {
        const d = ev.data as MessageStatusChanged;
        const thread = this.messages.get(d.conversationId);
        const i = thread?.findIndex((m) => m.id === d.messageId) ?? -1;
        if (thread && i >= 0) {
          const old = thread[i]!;
          const status = forward(old.deliveryStatus, d.deliveryStatus);
          thread[i] = {
            ...old,
            deliveryStatus: status,
            retry: d.retrying ? { attempt: d.attempt ?? 1, error: d.error ?? "", nextAttemptAt: d.nextAttemptAt ?? null } : null,
            deliveryError: status === "failed" ? (d.error ?? old.deliveryError ?? null) : old.deliveryError,
          };
          this.emit("messages", d.conversationId);
        }
        break;
      }
      case "MessageUpdated": {
        const { message: m, previousBody } = ev.data as MessageUpdated;
        const thread = this.messages.get(m.conversationId);
        const i = thread?.findIndex((x) => x.id === m.id) ?? -1;
        if (thread && i >= 0) {
          const old = thread[i]!;
          thread[i] = {
            ...m,
            deliveryStatus: forward(old.deliveryStatus, m.deliveryStatus),
            retry: old.retry,
            previousBody: previousBody ?? old.previousBody ?? null,
          };
          this.emit("messages", m.conversationId);
        }
        break;
      }
      case "OfferReceived": {
        const d = ev.data as OfferReceived;
        if (d.conversation) this.upsertConversation(d.conversation);
        const expired = new Date(d.expiresAt).getTime() <= Date.now();
        if (d.agentId === this.me?.id && !expired && d.conversation?.status !== "assigned") {
          this.addOffer({ conversationId: d.conversationId, expiresAt: d.expiresAt, offeredAt: ev.at, conversation: d.conversation });
        }
        break;
      }
      case "OfferWithdrawn":
        this.removeOffer((ev.data as OfferWithdrawn).conversationId);
        break;
      case "VisitorTyping": {
        const d = ev.data as { conversationId: string; isTyping: boolean };
        this.setTyping(d.conversationId, d.isTyping);
        break;
      }
      case "PresenceChanged": {
        const d = ev.data as { agentId: string; presence: Presence };
        this.agents = this.agents.map((a) => (a.id === d.agentId ? { ...a, presence: d.presence } : a));
        this.emit("directory");
        if (this.me && this.me.id === d.agentId) this.setMe({ ...this.me, presence: d.presence });
        break;
      }
      case "SupervisorAlert": {
        // Everyone's console receives it; only those who supervise are told.
        if (!this.isSupervisor) break;
        const d = ev.data as SupervisorAlert;
        if (d.kind === "follow-up") {
          this.notify(t("alert.followUp", { number: String(d.number), reason: d.reason }), "warning");
          this.emit("surveys", d.conversationId);
          break;
        }
        this.notify(`${t(d.kind === "slaAtRisk" ? "alert.slaAtRisk" : "alert.escalated", { number: String(d.number) })} — ${d.reason}`, "warning");
        break;
      }
      case "SurveyAnswered":
        if (ev.conversationId) this.emit("surveys", ev.conversationId);
        break;
      case "ReminderDue": {
        // Every console receives it; only the agent who set the reminder is told.
        const d = ev.data as ReminderDue;
        if (d.agentId !== this.me?.id) break;
        const who = d.contactName || t("thread.customer");
        const text = d.note ? t("reminder.dueWithNote", { who, note: d.note }) : t("reminder.due", { who });
        this.notify(d.reopened ? `${text} ${t("reminder.reopened")}` : text, "reminder", d.conversationId);
        this.emit("reminders");
        break;
      }
      case "CampaignProgress":
        // { campaignId, state, counters } as JSON: the campaigns page parses it.
        this.emit("campaigns", JSON.stringify(ev.data));
        break;
      case "ContactImportProgress":
        // The import's view as JSON: the import page parses it.
        this.emit("imports", JSON.stringify(ev.data));
        break;
      default:
        break;
    }
  }

  reset(): void {
    this.me = null;
    this.conversations.clear();
    this.messages.clear();
    this.offers = [];
    this.typing.clear();
    this.selectedId = null;
    this.drafts.clear();
  }
}

function forward<T extends string | null>(from: T, to: T): T {
  if (from === null || to === null) return to ?? from;
  return (RANK[to] ?? 0) >= (RANK[from] ?? 0) ? to : from;
}

export const store = new Store();
