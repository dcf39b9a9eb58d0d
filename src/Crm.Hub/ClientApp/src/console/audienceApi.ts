// The audience calls: segments (/api/v1/segments) and contact imports (/api/v1/contact-imports).
import { request } from "./api";

export type SegmentField = "tag" | "attribute" | "channel" | "consent" | "lastContact" | "complained" | "created" | "locale" | "import";

/** The operators of each field, as the server validates them. */
export const SEGMENT_OPERATORS: Record<SegmentField, readonly string[]> = {
  tag: ["has", "lacks"],
  attribute: ["equals", "contains", "exists"],
  channel: ["available"],
  consent: ["granted"],
  lastContact: ["within", "notWithin", "before", "after"],
  complained: ["within"],
  created: ["within", "before", "after"],
  locale: ["is"],
  import: ["is"],
};

export interface SegmentCondition {
  field: SegmentField;
  operator: string;
  value?: string | null;
  key?: string | null;
  days?: number | null;
  date?: string | null;
}

export interface SegmentGroup {
  match: "all" | "any";
  conditions: SegmentNode[];
}

export type SegmentNode = SegmentCondition | SegmentGroup;

/** A group has a list of conditions (the server writes the other node's fields as null). */
export function isGroup(node: SegmentNode): node is SegmentGroup {
  return Array.isArray((node as Partial<SegmentGroup>).conditions);
}

export interface SegmentView {
  id: string;
  name: string;
  definition: SegmentGroup;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentContact {
  id: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  createdAt: string;
}

export interface ImportColumn {
  column: number;
  field: string;
  key?: string | null;
  channel?: string | null;
}

export interface ImportPreview {
  id: string;
  fileName: string;
  delimiter: string;
  hasHeader: boolean;
  headers: string[];
  rows: string[][];
  suggestedMapping: ImportColumn[];
  fields: string[];
}

export interface ImportView {
  id: string;
  fileName: string;
  status: "uploaded" | "queued" | "running" | "completed" | "failed";
  totalRows: number;
  rowsDone: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  failure: string | null;
  errorReportUrl: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const audienceApi = {
  segments: () => request<SegmentView[]>("GET", "/segments"),
  createSegment: (name: string, definition: SegmentGroup) => request<SegmentView>("POST", "/segments", { name, definition }),
  updateSegment: (id: string, name: string, definition: SegmentGroup) => request<SegmentView>("PUT", `/segments/${id}`, { name, definition }),
  deleteSegment: (id: string) => request<void>("DELETE", `/segments/${id}`),
  countSegment: (definition: SegmentGroup) => request<{ count: number }>("POST", "/segments/count", definition),
  segmentContacts: (id: string, page: number) =>
    request<{ page: number; pageSize: number; total: number; contacts: SegmentContact[] }>("GET", `/segments/${id}/contacts?page=${page}`),
  uploadContacts: (file: File) => {
    const form = new FormData();
    form.append("file", file, file.name);
    return request<ImportPreview>("POST", "/contact-imports", form);
  },
  startImport: (id: string, hasHeader: boolean, columns: ImportColumn[]) =>
    request<ImportView>("POST", `/contact-imports/${id}/start`, { hasHeader, columns }),
  contactImport: (id: string) => request<ImportView>("GET", `/contact-imports/${id}`),
  /** Recent finished imports, newest first (for the segment editor's "imported from" condition). */
  contactImports: () => request<ImportView[]>("GET", "/contact-imports"),
  /** A segment of exactly the contacts the import created or updated (the same one if asked again). */
  segmentFromImport: (id: string) => request<SegmentView>("POST", `/contact-imports/${id}/segment`),
};

/** Hands a segment to the campaign form across the navigation from the import's report ("Use as campaign audience"). */
const AUDIENCE_HANDOFF = "crm.campaignAudience";
export const campaignAudience = {
  offer: (segmentId: string): void => sessionStorage.setItem(AUDIENCE_HANDOFF, segmentId),
  take: (): string | null => {
    const id = sessionStorage.getItem(AUDIENCE_HANDOFF);
    sessionStorage.removeItem(AUDIENCE_HANDOFF);
    return id;
  },
};
