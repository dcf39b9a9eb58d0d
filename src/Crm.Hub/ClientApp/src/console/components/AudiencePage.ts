// Audience (marketers, supervisors, admins): saved segments — the filters campaigns will send to — with their editor and
// a sample of who is in each, and the CSV import that brings contacts in.
import { problemText } from "../api";
import { audienceApi, type SegmentView } from "../audienceApi";
import { num, t, when } from "../i18n";
import type { Scope } from "../scope";
import { h, replace } from "../../shared/h";
import { ContactImport } from "./ContactImport";
import { SegmentEditor } from "./SegmentEditor";
import "./AudiencePage.css";

export function AudiencePage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const list = h("div", { "data-testid": "segments" }, h("p", { class: "muted" }, t("segments.loading")));
  const editor = h("div");
  const sample = h("div", { "data-testid": "segment-sample" });
  let editorScope: Scope | null = null;

  const load = (): void =>
    void audienceApi
      .segments()
      .then((segments) => alive && replace(list, segments.length ? SegmentList(segments, edit, showSample, load) : h("p", { class: "empty-state", "data-testid": "segments-empty" }, t("segments.empty"))))
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  const edit = (segment: SegmentView | null): void => {
    editorScope?.dispose();
    editorScope = scope.child();
    replace(sample);
    replace(editor, SegmentEditor(editorScope, segment, () => {
      editorScope?.dispose();
      editorScope = null;
      replace(editor);
      load();
    }));
    editor.querySelector<HTMLInputElement>("input")?.focus();
  };
  const showSample = (segment: SegmentView): void =>
    void audienceApi
      .segmentContacts(segment.id, 1)
      .then((page) => alive && replace(sample, SegmentSample(segment.name, page.total, page.contacts)))
      .catch((err) => alive && replace(sample, h("div", { class: "form-error" }, problemText(err))));

  const add = h("button", { type: "button", class: "btn btn-primary", "data-testid": "segment-add" }, t("segments.add"));
  add.addEventListener("click", () => edit(null));
  load();
  return h(
    "div",
    { class: "page admin-page", "data-testid": "audience-page" },
    h("section", { class: "panel" }, h("div", { class: "panel-head" }, h("h2", null, t("segments.title")), add), h("p", { class: "muted" }, t("segments.help")), list, editor, sample),
    h("section", { class: "panel" }, h("h2", null, t("import.title")), h("p", { class: "muted" }, t("import.help")), ContactImport(scope.child())),
  );
}

function SegmentList(segments: SegmentView[], edit: (s: SegmentView) => void, sample: (s: SegmentView) => void, reload: () => void): HTMLElement {
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("segments.name")), h("th", { scope: "col" }, t("segments.updated")), h("th", null, ""))),
    h(
      "tbody",
      null,
      segments.map((s) => {
        const name = h("td", { dir: "auto" });
        name.textContent = s.name;
        const show = h("button", { type: "button", class: "btn btn-small", "data-testid": "segment-show" }, t("segments.contacts"));
        show.addEventListener("click", () => sample(s));
        const editButton = h("button", { type: "button", class: "btn btn-small", "data-testid": "segment-edit" }, t("segments.edit"));
        editButton.addEventListener("click", () => edit(s));
        const remove = h("button", { type: "button", class: "btn btn-small", "data-testid": "segment-delete" }, t("segments.delete"));
        remove.addEventListener("click", () => {
          if (confirm(t("segments.confirmDelete", { name: s.name }))) void audienceApi.deleteSegment(s.id).then(reload);
        });
        return h("tr", { "data-testid": "segment-row-saved", "data-name": s.name }, name, h("td", null, when(s.updatedAt)), h("td", null, show, " ", editButton, " ", remove));
      }),
    ),
  );
}

function SegmentSample(name: string, total: number, contacts: { displayName: string | null; email: string | null; phone: string | null; locale: string | null }[]): HTMLElement {
  const title = h("h3", { dir: "auto" });
  title.textContent = t("segments.sampleTitle", { name, n: num(total) });
  if (!contacts.length) return h("div", null, title, h("p", { class: "empty-state" }, t("segments.noMatch")));
  return h(
    "div",
    { class: "table-wrap" },
    title,
    h(
      "table",
      { class: "table" },
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("segments.col.name")), h("th", { scope: "col" }, t("segments.col.email")), h("th", { scope: "col" }, t("segments.col.phone")), h("th", { scope: "col" }, t("segments.col.locale")))),
      h(
        "tbody",
        null,
        contacts.map((c) => {
          const cells = [c.displayName, c.email, c.phone, c.locale].map((v, i) => {
            const td = h("td", { dir: i === 0 ? "auto" : "ltr" });
            td.textContent = v ?? "—";
            return td;
          });
          return h("tr", null, cells);
        }),
      ),
    ),
  );
}
