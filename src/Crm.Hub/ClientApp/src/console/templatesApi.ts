// The template calls: built-ins and the saved library (/api/v1/templates), and the live preview.
import { request } from "./api";

export type TemplateChannel = "sms" | "email" | "telegram" | "fax";
export type TemplateLocale = "en" | "fa";

export interface TemplateText {
  body: string | null;
  subject: string | null;
}

export interface SavedTemplate {
  id: string;
  name: string;
  channel: TemplateChannel;
  syntax: "scriban" | "liquid";
  locales: Partial<Record<TemplateLocale, TemplateText>>;
  createdAt: string;
  updatedAt: string;
}

export interface BuiltInTemplate {
  name: string;
  locales: Partial<Record<TemplateLocale, TemplateText>>;
}

export interface TemplateError {
  line: number;
  column: number;
  message: string;
}

export interface TemplatePreview {
  channel: string;
  locale: string;
  text: string | null;
  html: string | null;
  subject: string | null;
  sms: { encoding: string; units: number; segments: number; cost: number; currency: string } | null;
}

export interface SavedTemplateInput {
  name: string;
  channel: TemplateChannel;
  syntax: "scriban" | "liquid";
  locales: Partial<Record<TemplateLocale, TemplateText>>;
}

export const templatesApi = {
  builtIns: () => request<BuiltInTemplate[]>("GET", "/templates"),
  saved: () => request<SavedTemplate[]>("GET", "/templates/saved"),
  create: (input: SavedTemplateInput) => request<SavedTemplate>("POST", "/templates/saved", input),
  update: (id: string, input: SavedTemplateInput) => request<SavedTemplate>("PUT", `/templates/saved/${id}`, input),
  remove: (id: string) => request<void>("DELETE", `/templates/saved/${id}`),
  preview: (p: { body: string; channel: TemplateChannel; syntax: string; locale: TemplateLocale; subject?: string | null; contactId?: string | null }) =>
    request<TemplatePreview>("POST", "/templates/preview", p),
};
