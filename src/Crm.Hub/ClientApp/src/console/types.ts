// The server's shapes, exactly as in the UI contract (camelCase JSON, lowercase enums, ISO times).

export type Role = "agent" | "supervisor" | "marketer" | "admin";
export type Presence = "online" | "away" | "offline";
export type Channel = "webchat" | "sms" | "email" | "fax" | "telegram";
export const CHANNELS: readonly Channel[] = ["webchat", "sms", "email", "fax", "telegram"];
export type ConversationStatus = "open" | "waiting" | "assigned" | "resolved";
export type DeliveryStatus = "pending" | "sent" | "delivered" | "read" | "failed";

export interface AgentView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  teamIds: string[];
  capacity: Record<string, number>;
  autoAccept: boolean;
  presence: Presence;
  /** Skill → proficiency 1–5. */
  skills?: Record<string, number>;
  weighted?: WeightedCapacity | null;
}

/** Capacity in units shared across channels: the cost of one conversation per channel, and channels a held one shuts out. */
export interface WeightedCapacity {
  units: number;
  unitsPerConversation: Record<string, number>;
  blocks: Record<string, string[]>;
}

export interface ConversationView {
  id: string;
  number: number;
  contactId: string;
  contactName: string;
  channel: Channel;
  status: ConversationStatus;
  category: string | null;
  priority: number;
  assigneeId: string | null;
  assigneeName: string | null;
  responsibleAgentId: string | null;
  teamId: string | null;
  createdAt: string;
  lastMessageAt: string;
  lastMessagePreview: string | null;
  offeredToAgentId: string | null;
  offerExpiresAt: string | null;
}

export interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  pages?: number | null;
  /** Shown inside an email's HTML rather than listed. */
  inline?: boolean;
}

/** An email's own parts: sanitized HTML (remote images held in data-remote-src), the text without quoted mail. */
export interface EmailView {
  subject: string;
  html: string | null;
  hasRemoteImages: boolean;
  trimmedText: string | null;
  automatic: string | null;
  warnings: string[];
  counterpart: string | null;
}

export interface MessageView {
  id: string;
  conversationId: string;
  direction: "inbound" | "outbound" | "note";
  channel: Channel;
  body: string;
  authorAgentId: string | null;
  authorName: string | null;
  createdAt: string;
  deliveryStatus: DeliveryStatus | null;
  attachments: Attachment[];
  deliveryError?: string | null;
  editedAt?: string | null;
  /** The outbox is retrying a transient provider failure (pushed live, and in the thread after a reload). */
  retry?: { attempt: number; error: string; nextAttemptAt?: string | null } | null;
  email?: EmailView | null;
  /** Client-side: the text before the customer's last edit, when the edit was pushed. */
  previousBody?: string | null;
}

/** GET /conversations/{id}/reply-options: the contact's channels and the one a reply goes out on by default. */
export interface ReplyOptions {
  default: Channel;
  channels: { channel: Channel; address: string; optedOut: boolean; undeliverable?: string | null }[];
}

export interface RoutingDecision {
  kind: string;
  agentId: string | null;
  agentName: string | null;
  reason: string;
  at: string;
  /** The routing policy version that classified the conversation, and its queue. */
  policyVersion?: number | null;
  queue?: string | null;
  /** For a pick from a pool: the chosen agent, the runner-up and those a filter excluded, with their scores. */
  candidates?: Candidate[] | null;
}

export interface Candidate {
  agentId: string;
  agentName: string | null;
  verdict: "chosen" | "runnerUp" | "declined" | "letOfferExpire" | "notInTeam" | "belowLevel";
  load: number;
  idleSince: string;
  proficiency: number | null;
}

export interface SupervisorAlert {
  conversationId: string;
  number: number;
  kind: "slaAtRisk" | "escalated" | "follow-up";
  reason: string;
  at: string;
  queue: string | null;
}

export interface ContactView {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  identities: { channel: Channel; address: string; optedOut: boolean; rawAddress?: string | null; verified?: boolean }[];
  merges?: MergeView[];
  mergedFrom?: string | null;
  timeline: {
    conversationId: string;
    number: number;
    channel: Channel;
    status: ConversationStatus;
    createdAt: string;
    lastMessageAt: string;
    lastMessagePreview: string | null;
  }[];
}

export interface TeamView {
  id: string;
  name: string;
  memberIds: string[];
}

export interface HubEvent<T = unknown> {
  seq: number;
  type: string;
  conversationId: string | null;
  at: string;
  data: T;
}

export interface SyncResponse {
  lastSeq: number;
  events: HubEvent[];
  /** More events than one page; ask again with since = lastSeq. (Not in the UI contract; the server sends it.) */
  hasMore?: boolean;
}

export interface OfferReceived {
  conversationId: string;
  agentId: string;
  expiresAt: string;
  conversation: ConversationView;
}

export interface OfferWithdrawn {
  conversationId: string;
  agentId: string;
  reason: string;
}

export interface MessageStatusChanged {
  messageId: string;
  conversationId: string;
  deliveryStatus: DeliveryStatus;
  error?: string | null;
  retrying?: boolean;
  attempt?: number;
  nextAttemptAt?: string | null;
}

export interface MessageUpdated {
  message: MessageView;
  previousBody?: string;
}

export interface ContactSummary {
  id: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  channels: Channel[];
}

export interface MergeSuggestion {
  contact: ContactSummary;
  evidence: string;
  strength: "strong" | "weak";
}

export interface MergeView {
  id: string;
  survivorContactId: string;
  mergedContactId: string;
  otherContactName: string | null;
  reason: string;
  mergedAt: string;
  undoneAt: string | null;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
}

export interface AgentInput {
  email: string;
  displayName: string;
  password?: string;
  role: Role;
  teamIds: string[];
  capacity: Record<string, number>;
  autoAccept: boolean;
  skills?: Record<string, number>;
  weighted?: WeightedCapacity | null;
}
