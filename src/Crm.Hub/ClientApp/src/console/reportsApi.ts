// The reports calls: period summaries (/api/v1/reports/summary), the CSV export, and the complaints and suggestions register.
import { request } from "./api";

export const BREAKDOWNS = ["queue", "agent", "team", "channel", "category"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface DurationFigure {
  count: number;
  averageSeconds: number | null;
}

export interface ReportFigures {
  conversations: number;
  resolved: number;
  reopened: number;
  transferred: number;
  firstResponse: DurationFigure;
  firstResponseBusiness: DurationFigure;
  timeToAssign: DurationFigure;
  handleTime: DurationFigure;
  resolutionTime: DurationFigure;
  fcr: { firstContact: number; notFirstContact: number; provisional: number; rate: number | null; provisionalRate: number | null };
  sla: { met: number; breached: number; pending: number; compliance: number | null };
  sameDayResolved: number;
  sameDayRate: number | null;
  complaintToResolution: { resolved: number; averageSeconds: number | null; averageBusinessSeconds: number | null };
  contactsPerAgentPerDay: number | null;
  csat: { responses: number; score: number | null };
  nps: { responses: number; score: number | null };
  ces: { responses: number; score: number | null };
}

export interface ReportSummary {
  from: string;
  to: string;
  by: Breakdown;
  timeZone: string;
  fcrWindowDays: number;
  generatedAt: string;
  total: ReportFigures;
  groups: { key: string | null; label: string | null; figures: ReportFigures }[];
  days: { date: string; figures: ReportFigures }[];
}

export const REGISTER_KINDS = ["complaint", "suggestion"] as const;
export const REGISTER_STATUSES = ["open", "inProgress", "resolved"] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

export interface RegisterItem {
  conversationId: string;
  number: number;
  kind: string;
  status: RegisterStatus;
  ownerId: string | null;
  ownerName: string | null;
  contactId: string;
  contactName: string | null;
  channel: string;
  conversationStatus: string;
  openedAt: string;
  resolvedAt: string | null;
  preview: string | null;
  note: string | null;
  updatedAt: string | null;
}

const query = (params: Record<string, string | null | undefined>): string =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();

export const reportsApi = {
  summary: (from: string, to: string, by: Breakdown) => request<ReportSummary>("GET", `/reports/summary?${query({ from, to, by })}`),
  csvUrl: (from: string, to: string) => `/api/v1/reports/conversations.csv?${query({ from, to })}`,
  register: (filter: { kind?: string; status?: string; owner?: string }) => request<RegisterItem[]>("GET", `/register?${query(filter)}`),
  updateRegister: (conversationId: string, change: { status: RegisterStatus; ownerId: string | null; note?: string | null }) =>
    request<RegisterItem>("PUT", `/register/${conversationId}`, change),
};
