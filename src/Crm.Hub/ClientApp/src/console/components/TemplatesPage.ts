// Templates (marketers, supervisors, admins): the saved library campaigns and reminders start from, and an editor with a
// live preview for a sample or a real contact — SMS segments and cost, the email as it will look — and the template's
// errors at line and column (a click puts the cursor there). Built-in templates can be copied as a starting point.
import { ApiError, api, problemText } from "../api";
import { t, when } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { templatesApi, type BuiltInTemplate, type SavedTemplate, type TemplateChannel, type TemplateError, type TemplateLocale, type TemplatePreview } from "../templatesApi";
import { clearErrors, field, showErrors } from "./forms";
import "./TemplatesPage.css";

const LOCALES: TemplateLocale[] = ["en", "fa"];
const CHANNELS: TemplateChannel[] = ["sms", "email", "telegram", "fax"];

interface Draft {
  id: string | null;
  name: string;
  channel: TemplateChannel;
  syntax: "scriban" | "liquid";
  texts: Record<TemplateLocale, { body: string; subject: string }>;
}

const blank = (): Draft => ({ id: null, name: "", channel: "sms", syntax: "scriban", texts: { en: { body: "", subject: "" }, fa: { body: "", subject: "" } } });

const fromTemplate = (tpl: SavedTemplate | BuiltInTemplate, id: string | null, name: string, channel: TemplateChannel, syntax: "scriban" | "liquid"): Draft => ({
  id,
  name,
  channel,
  syntax,
  texts: {
    en: { body: tpl.locales.en?.body ?? "", subject: tpl.locales.en?.subject ?? "" },
    fa: { body: tpl.locales.fa?.body ?? "", subject: tpl.locales.fa?.subject ?? "" },
  },
});

export function TemplatesPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const list = h("div", { "data-testid": "templates-list" }, h("p", { class: "muted" }, t("templates.loading")));
  const builtIns = h("div", { "data-testid": "templates-builtins" });
  const editorSlot = h("div");
  let editorScope: Scope | null = null;

  const load = (): void => {
    void templatesApi
      .saved()
      .then((saved) => alive && replace(list, saved.length ? SavedList(saved, (s) => edit(fromTemplate(s, s.id, s.name, s.channel, s.syntax)), load) : h("p", { class: "empty-state", "data-testid": "templates-empty" }, t("templates.empty"))))
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  };
  const edit = (draft: Draft): void => {
    editorScope?.dispose();
    editorScope = scope.child();
    replace(editorSlot, TemplateEditor(editorScope, draft, () => {
      editorScope?.dispose();
      editorScope = null;
      replace(editorSlot);
      load();
    }));
    editorSlot.querySelector<HTMLInputElement>("input")?.focus();
  };
  void templatesApi
    .builtIns()
    .then((all) => alive && replace(builtIns, BuiltInList(all, (b) => edit(fromTemplate(b, null, "", "sms", "scriban")))))
    .catch((err) => alive && replace(builtIns, h("div", { class: "form-error" }, problemText(err))));

  const add = h("button", { type: "button", class: "btn btn-primary", "data-testid": "template-add" }, t("templates.add"));
  add.addEventListener("click", () => edit(blank()));
  load();
  return h(
    "div",
    { class: "page admin-page", "data-testid": "templates-page" },
    h("section", { class: "panel" }, h("div", { class: "panel-head" }, h("h2", null, t("templates.title")), add), h("p", { class: "muted" }, t("templates.help")), list, editorSlot),
    h("section", { class: "panel" }, h("h2", null, t("templates.builtIns")), h("p", { class: "muted" }, t("templates.builtInsHelp")), builtIns),
  );
}

function SavedList(saved: SavedTemplate[], edit: (s: SavedTemplate) => void, reload: () => void): HTMLElement {
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("templates.name")), h("th", { scope: "col" }, t("templates.channel")), h("th", { scope: "col" }, t("templates.locales")), h("th", { scope: "col" }, t("templates.updated")), h("th", null, ""))),
    h(
      "tbody",
      null,
      saved.map((s) => {
        const name = h("td", { dir: "auto" });
        name.textContent = s.name;
        const editButton = h("button", { type: "button", class: "btn btn-small", "data-testid": "template-edit" }, t("templates.edit"));
        editButton.addEventListener("click", () => edit(s));
        const remove = h("button", { type: "button", class: "btn btn-small", "data-testid": "template-delete" }, t("templates.delete"));
        remove.addEventListener("click", () => {
          if (confirm(t("templates.confirmDelete", { name: s.name })))
            void templatesApi.remove(s.id).then(reload, (err) => store.notify(problemText(err)));
        });
        const locales = LOCALES.filter((l) => s.locales[l]).map((l) => t(`templates.locale.${l}`)).join(" · ");
        return h("tr", { "data-testid": "template-row", "data-name": s.name }, name, h("td", null, t(`templates.channel.${s.channel}`)), h("td", null, locales), h("td", null, when(s.updatedAt)), h("td", null, editButton, " ", remove));
      }),
    ),
  );
}

function BuiltInList(all: BuiltInTemplate[], copy: (b: BuiltInTemplate) => void): HTMLElement {
  if (!all.length) return h("p", { class: "empty-state" }, t("templates.noBuiltIns"));
  return h(
    "ul",
    { class: "builtin-list" },
    all.map((b) => {
      const use = h("button", { type: "button", class: "btn btn-small", "data-testid": `builtin-use-${b.name}` }, t("templates.useBuiltIn"));
      use.addEventListener("click", () => copy(b));
      return h("li", null, h("code", null, b.name), " ", use);
    }),
  );
}

function TemplateEditor(scope: Scope, draft: Draft, done: () => void): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  let locale: TemplateLocale = draft.texts.en.body || !draft.texts.fa.body ? "en" : "fa";
  let contactId: string | null = null;
  let timer = 0;
  let asked = 0;
  scope.add(() => clearTimeout(timer));

  const name = h("input", { id: "tpl-name", "data-testid": "template-name", maxlength: 100, dir: "auto", value: draft.name, required: true });
  const channel = h("select", { id: "tpl-channel", "data-testid": "template-channel" }, CHANNELS.map((c) => h("option", { value: c, selected: c === draft.channel }, t(`templates.channel.${c}`))));
  const syntax = h("select", { id: "tpl-syntax", "data-testid": "template-syntax" }, h("option", { value: "scriban", selected: draft.syntax === "scriban" }, "Scriban"), h("option", { value: "liquid", selected: draft.syntax === "liquid" }, "Liquid"));
  const subject = h("input", { id: "tpl-subject", "data-testid": "template-subject", maxlength: 500 });
  const body = h("textarea", { id: "tpl-body", "data-testid": "template-body", rows: 9, spellcheck: false, class: "template-body" });
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": t("templates.locales") });
  const errors = h("ol", { class: "template-errors", "data-testid": "template-errors", "aria-live": "polite" });
  const preview = h("div", { class: "template-preview", "data-testid": "template-preview", "aria-live": "polite" });
  const contactSearch = h("input", { id: "tpl-contact", "data-testid": "template-contact", type: "search", placeholder: t("templates.contactPlaceholder"), autocomplete: "off" });
  const contactMatches = h("ul", { class: "contact-matches", "data-testid": "template-contact-matches" });
  const formError = h("div", { class: "form-error", hidden: true, role: "alert" });

  const subjectField = field("tpl-subject", t("templates.subject"), subject);
  const bodyField = field("tpl-body", t("templates.body"), body);
  const nameField = field("tpl-name", t("templates.name"), name);
  const slots: Record<string, HTMLElement> = { name: nameField.error, channel: h("div"), syntax: h("div"), "locales.en.subject": subjectField.error, "locales.fa.subject": subjectField.error, "locales.en.body": bodyField.error, "locales.fa.body": bodyField.error };

  const keep = (): void => {
    draft.texts[locale] = { body: body.value, subject: subject.value };
  };
  const showLocale = (): void => {
    body.value = draft.texts[locale].body;
    subject.value = draft.texts[locale].subject;
    const rtl = locale === "fa";
    body.dir = rtl ? "rtl" : "ltr";
    subject.dir = rtl ? "rtl" : "ltr";
    subjectField.el.hidden = channel.value !== "email";
    replace(
      tabs,
      LOCALES.map((l) => {
        const tab = h("button", { type: "button", role: "tab", class: "tab", "aria-selected": l === locale ? "true" : "false", "data-testid": `template-locale-${l}` }, t(`templates.locale.${l}`));
        tab.addEventListener("click", () => {
          keep();
          locale = l;
          showLocale();
          schedulePreview();
        });
        return tab;
      }),
    );
  };

  const goTo = (e: TemplateError): void => {
    const lines = body.value.split("\n");
    let offset = 0;
    for (let i = 0; i < Math.min(e.line - 1, lines.length); i++) offset += lines[i]!.length + 1;
    offset += Math.max(0, e.column - 1);
    body.focus();
    body.setSelectionRange(offset, Math.min(body.value.length, offset + 1));
  };
  const showTemplateErrors = (list: TemplateError[], where: string): void => {
    replace(
      errors,
      list.map((e) => {
        const jump = h("button", { type: "button", class: "link-button", "data-testid": "template-error" }, t("templates.errorAt", { where, line: e.line, column: e.column }), " ", e.message);
        jump.addEventListener("click", () => goTo(e));
        return h("li", null, jump);
      }),
    );
  };

  const renderPreview = (p: TemplatePreview): void => {
    const parts: (HTMLElement | string)[] = [];
    if (p.subject !== null) parts.push(h("div", { class: "preview-subject", dir: "auto", "data-testid": "preview-subject" }, p.subject));
    if (p.html !== null) {
      // The email as it will look, in a sandbox: no scripts, no same-origin access.
      const frame = h("iframe", { class: "preview-frame", sandbox: "", title: t("templates.previewTitle"), "data-testid": "preview-html" });
      frame.srcdoc = `<!doctype html><meta charset="utf-8"><body dir="${locale === "fa" ? "rtl" : "ltr"}">${p.html}</body>`;
      parts.push(frame);
    } else {
      const text = h("div", { class: "preview-text", dir: "auto", "data-testid": "preview-text" });
      text.textContent = p.text ?? "";
      parts.push(text);
    }
    if (p.sms)
      parts.push(h("div", { class: "preview-sms muted", "data-testid": "preview-sms" }, t("templates.smsEstimate", { segments: p.sms.segments, encoding: p.sms.encoding.toUpperCase(), cost: p.sms.cost.toFixed(4), currency: p.sms.currency })));
    replace(preview, ...parts);
  };

  const runPreview = async (): Promise<void> => {
    keep();
    const text = draft.texts[locale];
    if (!text.body.trim()) {
      replace(errors);
      replace(preview, h("p", { class: "muted" }, t("templates.previewEmpty")));
      return;
    }
    const mine = ++asked;
    try {
      const p = await templatesApi.preview({ body: text.body, channel: channel.value as TemplateChannel, syntax: syntax.value, locale, subject: channel.value === "email" ? text.subject || null : null, contactId });
      if (!alive || mine !== asked) return;
      replace(errors);
      renderPreview(p);
    } catch (err) {
      if (!alive || mine !== asked) return;
      const problem = err instanceof ApiError ? (err.problem as { templateErrors?: TemplateError[]; subjectErrors?: TemplateError[] }) : null;
      if (problem?.templateErrors?.length || problem?.subjectErrors?.length) {
        showTemplateErrors([...(problem.templateErrors ?? [])], t("templates.body"));
        for (const e of problem.subjectErrors ?? []) errors.append(h("li", null, t("templates.errorAt", { where: t("templates.subject"), line: e.line, column: e.column }), " ", e.message));
        replace(preview, h("p", { class: "muted" }, t("templates.previewBlocked")));
      } else {
        replace(errors);
        replace(preview, h("div", { class: "form-error" }, problemText(err)));
      }
    }
  };
  const schedulePreview = (): void => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void runPreview(), 300);
  };

  let searchTimer = 0;
  scope.add(() => clearTimeout(searchTimer));
  contactSearch.addEventListener("input", () => {
    clearTimeout(searchTimer);
    const text = contactSearch.value.trim();
    if (!text) {
      contactId = null;
      replace(contactMatches);
      schedulePreview();
      return;
    }
    searchTimer = window.setTimeout(async () => {
      try {
        const found = await api.searchContacts(text);
        if (!alive) return;
        replace(
          contactMatches,
          found.slice(0, 6).map((c) => {
            const pick = h("button", { type: "button", class: "link-button", dir: "auto", "data-testid": "template-contact-match" }, c.displayName || c.email || c.phone || c.id);
            pick.addEventListener("click", () => {
              contactId = c.id;
              contactSearch.value = c.displayName || c.email || c.phone || "";
              replace(contactMatches);
              schedulePreview();
            });
            return h("li", null, pick);
          }),
        );
      } catch (err) {
        if (alive) replace(contactMatches, h("li", { class: "form-error" }, problemText(err)));
      }
    }, 250);
  });

  for (const control of [body, subject]) control.addEventListener("input", schedulePreview);
  for (const control of [channel, syntax])
    control.addEventListener("change", () => {
      subjectField.el.hidden = channel.value !== "email";
      schedulePreview();
    });

  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "template-save" }, draft.id ? t("templates.save") : t("templates.create"));
  const cancel = h("button", { type: "button", class: "btn", "data-testid": "template-cancel" }, t("templates.cancel"));
  cancel.addEventListener("click", done);
  const form = h(
    "form",
    { class: "template-editor", "data-testid": "template-editor", novalidate: true },
    h("h3", null, draft.id ? t("templates.editing", { name: draft.name }) : t("templates.new")),
    h("div", { class: "form-row" }, nameField.el, field("tpl-channel", t("templates.channel"), channel).el, field("tpl-syntax", t("templates.syntax"), syntax).el),
    tabs,
    subjectField.el,
    bodyField.el,
    h("p", { class: "muted small" }, t("templates.variables")),
    errors,
    h("div", { class: "field" }, h("label", { for: "tpl-contact" }, t("templates.previewFor")), contactSearch, contactMatches),
    h("h4", null, t("templates.preview")),
    preview,
    formError,
    h("div", { class: "form-actions" }, save, " ", cancel),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    keep();
    clearErrors(slots, formError);
    const input = {
      name: name.value.trim(),
      channel: channel.value as TemplateChannel,
      syntax: syntax.value as "scriban" | "liquid",
      locales: Object.fromEntries(
        LOCALES.filter((l) => draft.texts[l].body.trim()).map((l) => [l, { body: draft.texts[l].body, subject: channel.value === "email" ? draft.texts[l].subject : null }]),
      ),
    };
    save.disabled = true;
    try {
      if (draft.id) await templatesApi.update(draft.id, input);
      else await templatesApi.create(input);
      store.notify(t("templates.saved", { name: input.name }), "info");
      done();
    } catch (err) {
      showErrors(err, slots, formError);
      const problem = err instanceof ApiError ? (err.problem as { templateErrors?: Record<string, TemplateError[]> }) : null;
      const current = problem?.templateErrors?.[`locales.${locale}.body`];
      if (current?.length) showTemplateErrors(current, t("templates.body"));
    } finally {
      save.disabled = false;
    }
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") done();
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });

  showLocale();
  void runPreview();
  return form;
}
