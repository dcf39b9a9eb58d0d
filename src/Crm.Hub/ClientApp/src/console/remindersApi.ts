// Reminders (/api/v1/reminders) and the suppression list (/api/v1/suppressions).
import { request } from "./api";

export type ReminderState = "scheduled" | "done" | "queued" | "skipped" | "failed" | "cancelled";

export interface ReminderView {
  id: string;
  kind: "followUp" | "customer";
  state: ReminderState;
  dueAt: string;
  timeZone: string | null;
  agentId: string;
  agentName: string | null;
  contactId: string;
  contactName: string | null;
  conversationId: string | null;
  conversationNumber: number | null;
  note: string | null;
  channel: string | null;
  template: string | null;
  variables: Record<string, string> | null;
  /** A sent customer reminder's outbox state. */
  delivery: string | null;
  outcome: string | null;
  createdAt: string;
  firedAt: string | null;
  cancelledAt: string | null;
}

/** The ReminderDue event's data. */
export interface ReminderDue {
  reminderId: string;
  agentId: string;
  contactId: string;
  contactName: string | null;
  conversationId: string | null;
  conversationNumber: number | null;
  note: string | null;
  dueAt: string;
  reopened: boolean;
  outcome: string;
}

export interface ReminderInput {
  kind?: "followUp" | "customer";
  dueAt: string;
  timeZone?: string | null;
  conversationId?: string | null;
  contactId?: string | null;
  note?: string | null;
  channel?: string | null;
  template?: string | null;
  variables?: Record<string, string> | null;
}

export interface ReminderTemplate {
  name: string;
  locales: string[];
  /** What the template reads as contact.attributes.* (appointment_date...). */
  variables: string[];
}

export type ReminderStatus = "upcoming" | "done" | "cancelled";

export interface SuppressionEntry {
  channel: string;
  address: string;
  contactId: string;
  contactName: string | null;
  since: string;
  source: "stop" | "telegram-block" | "unsubscribe-link" | "admin" | "bounce" | "unknown";
  campaignId: string | null;
  reason: string | null;
}

export interface SuppressionPage {
  page: number;
  pageSize: number;
  total: number;
  entries: SuppressionEntry[];
}

export interface SuppressionFilter {
  channel?: string;
  q?: string;
  page?: number;
}

const query = (params: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : "";
};

/** The browser's IANA zone, sent with a reminder so it is shown as the agent meant it. */
export function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** A datetime-local value ("2026-05-05T10:00", the browser's own time) as an ISO instant; null when empty or invalid. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO instant as a datetime-local value in the browser's time. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const remindersApi = {
  create: (input: ReminderInput) => request<ReminderView>("POST", "/reminders", input),
  templates: () => request<ReminderTemplate[]>("GET", "/reminders/templates"),
  list: (status: ReminderStatus | "", scope: "mine" | "all") => request<ReminderView[]>("GET", `/reminders${query({ status, scope })}`),
  reschedule: (id: string, dueAt: string, timeZone: string | null) => request<ReminderView>("PUT", `/reminders/${id}`, { dueAt, timeZone }),
  cancel: (id: string) => request<ReminderView>("POST", `/reminders/${id}/cancel`),
  suppressions: (filter: SuppressionFilter) => request<SuppressionPage>("GET", `/suppressions${query({ channel: filter.channel, q: filter.q, page: filter.page })}`),
  suppressionsCsvUrl: (filter: SuppressionFilter) => `/api/v1/suppressions.csv${query({ channel: filter.channel, q: filter.q })}`,
  suppress: (channel: string, address: string, reason: string | null) => request<unknown>("POST", "/suppressions", { channel, address, reason }),
  resubscribe: (channel: string, address: string, reason: string) => request<unknown>("POST", "/suppressions/resubscribe", { channel, address, reason }),
};
