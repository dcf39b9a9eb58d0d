// The campaign calls (/api/v1/campaigns): drafts, launch, pause/resume/cancel, live counters and the report.
import { request } from "./api";

export type CampaignState = "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";

export interface CampaignCounters {
  run: number;
  total: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: number;
  unknown: number;
  replied: number;
  optedOut: number;
  /** Pending recipients whose message is rendered and waiting for its turn. */
  prepared: number;
  percent: number;
}

export interface CampaignSummary {
  id: string;
  name: string;
  channel: string;
  state: CampaignState;
  run: number;
  createdAt: string;
  launchedAt: string | null;
}

export interface CampaignView {
  id: string;
  name: string;
  channel: string;
  sender: string | null;
  segmentId: string | null;
  template: { key: string | null; syntax: string; bodyEn: string | null; bodyFa: string | null; subjectEn: string | null; subjectFa: string | null };
  schedule: { kind: string; at: string | null; cron: string | null; timeZone: string | null; nextRunAt: string | null };
  pace: number;
  quietHours: { start: string | null; end: string | null } | null;
  defaultTimeZone: string;
  state: CampaignState;
  launchedAt: string | null;
  completedAt: string | null;
  counters: CampaignCounters;
}

export interface CampaignInput {
  name: string;
  channel: string;
  sender: string | null;
  segmentId: string | null;
  template: { key: string | null; syntax: string; bodyEn: string | null; bodyFa: string | null; subjectEn: string | null; subjectFa: string | null };
  schedule: { kind: "now" | "at" | "recurring"; at: string | null; cron: string | null; timeZone: string | null };
  pace: number | null;
  quietHours: { start: string; end: string } | null;
  defaultTimeZone: string | null;
}

export interface CampaignReport {
  id: string;
  name: string;
  state: CampaignState;
  counters: CampaignCounters;
  funnel: { step: string; count: number }[];
  failures: { reason: string; count: number }[];
  conversationsOpened: number;
}

export interface CampaignProgressPush {
  campaignId: string;
  state: CampaignState;
  counters: CampaignCounters;
}

export const campaignsApi = {
  list: () => request<CampaignSummary[]>("GET", "/campaigns"),
  get: (id: string) => request<CampaignView>("GET", `/campaigns/${id}`),
  create: (input: CampaignInput) => request<CampaignView>("POST", "/campaigns", input),
  validate: (input: CampaignInput) => request<{ valid: boolean; audienceCount: number }>("POST", "/campaigns/validate", input),
  launch: (id: string) => request<CampaignView>("POST", `/campaigns/${id}/launch`),
  pause: (id: string) => request<CampaignView>("POST", `/campaigns/${id}/pause`),
  resume: (id: string) => request<CampaignView>("POST", `/campaigns/${id}/resume`),
  cancel: (id: string) => request<CampaignView>("POST", `/campaigns/${id}/cancel`),
  report: (id: string) => request<CampaignReport>("GET", `/campaigns/${id}/report`),
};
