// Survey results and supervisors' follow-up tasks (/api/v1/surveys, /api/v1/follow-ups).
import { request } from "./api";

export type SurveyKind = "csat" | "nps" | "ces";

export interface SurveyView {
  id: string;
  conversationId: string;
  conversationNumber: number;
  contactId: string;
  contactName: string | null;
  agentId: string | null;
  agentName: string | null;
  queueId: string | null;
  kind: SurveyKind;
  channel: string;
  locale: string;
  state: "sent" | "answered" | "expired" | "skipped";
  skipReason: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  score: number | null;
  comment: string | null;
  answeredAt: string | null;
  answeredVia: string | null;
}

export interface FollowUpView {
  id: string;
  conversationId: string;
  conversationNumber: number;
  contactId: string;
  contactName: string | null;
  agentId: string | null;
  agentName: string | null;
  reason: "low-score" | "complaint";
  detail: string;
  status: "open" | "done";
  ownerId: string | null;
  ownerName: string | null;
  createdAt: string;
  doneAt: string | null;
  note: string | null;
}

export const surveysApi = {
  /** The conversation's survey, or null when it has none (yet). */
  ofConversation: (id: string) => request<SurveyView | undefined>("GET", `/conversations/${id}/survey`).then((s) => s ?? null),
  ofContact: (id: string) => request<SurveyView[]>("GET", `/contacts/${id}/surveys`),
  followUps: (status: "open" | "done" | "all" = "open") => request<FollowUpView[]>("GET", `/follow-ups?status=${status}`),
  takeFollowUp: (id: string) => request<FollowUpView>("POST", `/follow-ups/${id}/take`),
  closeFollowUp: (id: string, note: string) => request<FollowUpView>("POST", `/follow-ups/${id}/close`, { note: note || null }),
};
