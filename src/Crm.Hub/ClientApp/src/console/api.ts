// REST client for /api/v1 (same origin; the auth cookie travels automatically).
import type {
  AgentInput,
  AgentView,
  ContactSummary,
  ContactView,
  MergeSuggestion,
  MergeView,
  ConversationStatus,
  ConversationView,
  MessageView,
  Presence,
  ReplyOptions,
  Problem,
  RoutingDecision,
  SyncResponse,
  TeamView,
} from "./types";

import type { ChannelStatus, ConnectionReport } from "./components/ChannelsAdmin";

export interface QueueInput {
  name: string;
  order: number;
  priority: number;
  firstResponseSlaSeconds: number | null;
  channels: string[];
  keywords: string[];
  skill: string | null;
  minProficiency: number;
  inboxes: string[];
  languages: string[];
  contactTags: string[];
  categories: string[];
  teamId: string | null;
  overflowQueueId: string | null;
  overflowAfterSeconds: number | null;
  alertAfterSeconds: number | null;
  resolutionSlaSeconds?: number | null;
  calendar?: QueueCalendar | null;
  setsCategory?: string | null;
  /** The survey after resolution: none, csat, nps or ces; null for the configured default. */
  survey?: string | null;
}

/** A queue's business hours: IANA time zone, opening spans per weekday ("monday", "09:00", "17:00"), holidays (yyyy-MM-dd). */
export interface QueueCalendar {
  timeZone: string;
  hours: { day: string; open: string; close: string }[];
  holidays: string[];
}

export interface QueueView extends QueueInput {
  id: string;
  /** Active agents who could serve it (capacity on its channels, its skill level), and how many are online. */
  staffing?: { eligibleAgents: number; eligibleOnline: number } | null;
  version: number;
  updatedAt: string;
}

export interface QueuePreview {
  queueId: string | null;
  queue: string | null;
  priority: number;
  firstResponseSlaSeconds: number | null;
  explanation: string;
  /** For each queue tried, in order: taken or not, and why. */
  trace: string[];
  language: string | null;
  policyVersion: number;
  ladder: string[];
}

export interface PreviewFacts {
  channel: string;
  text: string;
  inbox: string | null;
  contactTags: string[];
  category: string | null;
}

export interface WhatIfAgentInput {
  name: string;
  capacity: Record<string, number>;
  shifts: string[];
}

export interface WaitFigures {
  count: number;
  meanSeconds: number;
  p50Seconds: number;
  p90Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
}

export interface QueueOutcome {
  queue: string;
  conversations: number;
  answered: number;
  unanswered: number;
  withSla: number;
  slaMet: number;
  slaCompliance: number | null;
  waits: WaitFigures;
}

export interface ReplayReport {
  from: string;
  to: string;
  policyVersion: number;
  overall: QueueOutcome;
  queues: QueueOutcome[];
  agents: { agentId: string; name: string; conversations: number; busySeconds: number; onShiftSeconds: number; occupancy: number | null }[];
  overflows: number;
  escalations: number;
  slaAtRisk: number;
}

export interface PolicyVersionView {
  version: number;
  savedAt: string;
  savedBy: string;
  change: string;
}

export interface QuarantinePage {
  total: number;
  items: {
    id: string;
    mailbox: string;
    folder: string;
    uid: number;
    from: string | null;
    subject: string | null;
    reason: string;
    size: number;
    hasRaw: boolean;
    quarantinedAt: string;
  }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter: number | null,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

let onUnauthorized: () => void = () => undefined;

/** Called when any request (other than login/me) gets 401: the session has ended. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function request<T>(method: string, path: string, body?: unknown, quiet401 = false): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    // A FormData body sets its own multipart Content-Type (with the boundary).
    headers: body === undefined || form ? { Accept: "application/json" } : { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? null : form ? body : JSON.stringify(body),
  });
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  let problem: Problem = { status: res.status, title: res.statusText };
  try {
    const text = await res.text();
    if (text) problem = { status: res.status, ...(JSON.parse(text) as Problem) };
  } catch {
    /* not JSON: keep the status line */
  }
  const retry = Number(res.headers.get("Retry-After"));
  if (res.status === 401 && !quiet401) onUnauthorized();
  throw new ApiError(res.status, problem, Number.isFinite(retry) && retry > 0 ? retry : null);
}

const q = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : "";
};

export const api = {
  login: (email: string, password: string) => request<AgentView>("POST", "/auth/login", { email, password }, true),
  logout: () => request<void>("POST", "/auth/logout", undefined, true),
  me: () => request<AgentView>("GET", "/auth/me", undefined, true),

  conversations: (filter: { status?: ConversationStatus; assignee?: string; channel?: string }) =>
    request<ConversationView[]>("GET", `/conversations${q(filter)}`),
  conversation: (id: string) => request<ConversationView>("GET", `/conversations/${id}`),
  messages: (id: string) => request<MessageView[]>("GET", `/conversations/${id}/messages`),
  replyOptions: (id: string) => request<ReplyOptions>("GET", `/conversations/${id}/reply-options`),
  send: (id: string, body: string, internal: boolean, channel?: string) =>
    request<MessageView>("POST", `/conversations/${id}/messages`, { body, internal, channel: channel || null }),
  sendFiles: (id: string, body: string, files: File[], channel?: string) => {
    const form = new FormData();
    form.set("body", body);
    if (channel) form.set("channel", channel);
    for (const file of files) form.append("file", file, file.name);
    return request<MessageView>("POST", `/conversations/${id}/messages/files`, form);
  },
  accept: (id: string) => request<ConversationView>("POST", `/conversations/${id}/offer/accept`),
  decline: (id: string) => request<void>("POST", `/conversations/${id}/offer/decline`),
  transfer: (id: string, target: { agentId?: string; teamId?: string; note?: string }) =>
    request<ConversationView>("POST", `/conversations/${id}/transfer`, target),
  resolve: (id: string) => request<ConversationView>("POST", `/conversations/${id}/resolve`),
  categorize: (id: string, category: string | null) => request<ConversationView>("PUT", `/conversations/${id}/category`, { category }),
  categories: () => request<string[]>("GET", "/conversations/categories"),
  reopen: (id: string) => request<ConversationView>("POST", `/conversations/${id}/reopen`),
  decisions: (id: string) => request<RoutingDecision[]>("GET", `/conversations/${id}/decisions`),
  contact: (id: string) => request<ContactView>("GET", `/contacts/${id}`),
  searchContacts: (search: string) => request<ContactSummary[]>("GET", `/contacts${q({ search })}`),
  mergeSuggestions: (id: string) => request<MergeSuggestion[]>("GET", `/contacts/${id}/merge-suggestions`),
  mergeContacts: (survivorId: string, otherContactId: string) => request<MergeView>("POST", `/contacts/${survivorId}/merge`, { otherContactId }),
  channels: () => request<ChannelStatus[]>("GET", "/admin/channels"),
  saveChannelSettings: (channel: string, values: Record<string, string | null>) =>
    request<void>("PUT", `/admin/channels/${channel}/settings`, { values }),
  queues: () => request<QueueView[]>("GET", "/routing/queues"),
  createQueue: (input: QueueInput) => request<QueueView>("POST", "/routing/queues", input),
  updateQueue: (id: string, input: QueueInput) => request<QueueView>("PUT", `/routing/queues/${id}`, input),
  deleteQueue: (id: string) => request<void>("DELETE", `/routing/queues/${id}`),
  previewQueue: (facts: PreviewFacts) => request<QueuePreview>("POST", "/routing/queues/preview", facts),
  replay: (input: { date: string; timeZone: string | null; policyVersion: number | null; agents: WhatIfAgentInput[] | null }) =>
    request<ReplayReport>("POST", "/routing/replay", input),
  policyVersions: () => request<PolicyVersionView[]>("GET", "/routing/policy/versions"),
  restorePolicyVersion: (version: number) => request<PolicyVersionView>("POST", `/routing/policy/versions/${version}/restore`),
  emailConnectionTest: (values: Record<string, string | null>) =>
    request<ConnectionReport>("POST", "/admin/channels/email/connection-test", { values }),
  quarantine: () => request<QuarantinePage>("GET", "/admin/email/quarantine"),
  retryQuarantined: (id: string) => request<{ outcome: string }>("POST", `/admin/email/quarantine/${id}/retry`),
  dismissQuarantined: (id: string) => request<void>("DELETE", `/admin/email/quarantine/${id}`),
  testChannel: (channel: string, to: string, body: string) =>
    request<{ outcome: string; providerMessageId: string | null; error: string | null }>("POST", `/admin/channels/${channel}/test`, { to, body: body || null }),
  undoMerge: (mergeId: string) => request<MergeView>("POST", `/contacts/merges/${mergeId}/undo`),
  sync: (since: number) => request<SyncResponse>("GET", `/sync${q({ since })}`),

  agents: () => request<AgentView[]>("GET", "/agents"),
  createAgent: (input: AgentInput) => request<AgentView>("POST", "/agents", input),
  updateAgent: (id: string, input: AgentInput) => request<AgentView>("PUT", `/agents/${id}`, input),
  setPresence: (presence: Presence) => request<AgentView>("PUT", "/agents/me/presence", { presence }),
  teams: () => request<TeamView[]>("GET", "/teams"),
  createTeam: (name: string) => request<TeamView>("POST", "/teams", { name }),
};

/** The message to show for a failed call: the problem's detail, else its title. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The request helper, for feature modules with their own calls (audienceApi.ts). */
export { request };
