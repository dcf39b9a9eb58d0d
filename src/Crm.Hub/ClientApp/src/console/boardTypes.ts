// The supervisor board's wire shapes (Crm.Hub.Supervision.BoardViews). Durations are seconds.
export interface BoardHour {
  hour: number;
  opened: number;
  resolved: number;
  firstResponses: number;
  frtMean: number | null;
}

export interface BoardHeadline {
  opened: number;
  resolved: number;
  fcrRate: number | null;
  fcrProvisional: number;
  frtMean: number | null;
  frtP50: number | null;
  frtP95: number | null;
  ahtMean: number | null;
  slaCompliance: number | null;
  complaintToResolutionMean: number | null;
  sameDayRate: number | null;
  csat: number | null;
  nps: number | null;
  ces: number | null;
  trend: BoardHour[];
}

export interface BoardScopeRow {
  key: string;
  name: string;
  waiting: number;
  longestWaitingSince: string | null;
  longestWait: number | null;
  open: number;
  atRisk: number;
  breached: number;
  timeToAssignP50: number | null;
  timeToAssignP95: number | null;
  resolvedToday: number;
  noEligibleAgent: boolean;
}

export interface BoardAgentRow {
  id: string;
  name: string;
  presence: "online" | "away" | "offline";
  presenceSince: string | null;
  load: number;
  capacity: number;
  conversations: string[];
  occupancy: number | null;
  signedInToday: number;
  handlingToday: number;
}

export interface ChannelHealthRow {
  channel: string;
  lastInboundAt: string | null;
  errorsLastHour: number;
  lastError: string | null;
  imapLag: number | null;
  state: string | null;
}

export interface BoardAlert {
  seq: number;
  conversationId: string;
  number: number;
  kind: string;
  reason: string;
  at: string;
  queue: string | null;
}

export interface BoardSnapshot {
  version: number;
  at: string;
  day: string;
  headline: BoardHeadline;
  queues: BoardScopeRow[];
  channels: BoardScopeRow[];
  agents: BoardAgentRow[];
  health: ChannelHealthRow[];
  alerts: BoardAlert[];
}

export interface BoardDelta {
  version: number;
  at: string;
  day: string;
  headline: BoardHeadline | null;
  queues: BoardScopeRow[];
  channels: BoardScopeRow[];
  agents: BoardAgentRow[];
  health: ChannelHealthRow[];
  alerts: BoardAlert[];
  removedQueues: string[];
  removedAgents: string[];
}

export type BoardFigure = "waiting" | "open" | "atRisk" | "breached" | "assigned" | "frt" | "resolved";

export interface BoardConversation {
  id: string;
  number: number;
  channel: string;
  queueId: string | null;
  queue: string | null;
  status: string;
  assigneeId: string | null;
  contactName: string | null;
  openedAt: string;
  waitingSince: string | null;
  firstResponseDue: string | null;
  value: number | null;
}
