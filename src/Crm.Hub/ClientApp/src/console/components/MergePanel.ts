// "Merge…" on the contact card: likely duplicates (with the evidence), a search for any other contact, a confirm
// step that says what will move, and the merge history with Undo. Every merge is undoable on the server.
import { api, problemText } from "../api";
import { t, when } from "../i18n";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ContactSummary, ContactView } from "../types";
import { ChannelBadge } from "./ChannelBadge";

export function MergePanel(contact: ContactView, changed: () => void): HTMLElement {
  const results = h("ul", { class: "merge-results", "aria-live": "polite" });
  const confirm = h("div", { class: "merge-confirm-box", hidden: true, role: "alertdialog" });
  const search = h("input", {
    type: "search",
    class: "input",
    placeholder: t("contact.mergeSearch"),
    "aria-label": t("contact.mergeSearch"),
    "data-testid": "merge-search",
  });
  const panel = h(
    "div",
    { class: "merge-panel", "data-testid": "merge-panel", hidden: true },
    h("h3", null, t("contact.mergeTitle")),
    search,
    results,
    confirm,
  );
  const toggle = h("button", { type: "button", class: "btn btn-small", "data-testid": "contact-merge", "aria-expanded": "false" }, t("contact.merge"));

  const item = (c: ContactSummary, evidence?: string) => {
    const name = c.displayName || c.phone || c.email || c.id.slice(0, 8);
    const label = h("span", { dir: "auto", class: "merge-name" });
    label.textContent = name;
    const why = h("span", { class: "muted" });
    why.textContent = evidence ?? [c.phone, c.email].filter(Boolean).join(" · ");
    return h(
      "li",
      { "data-testid": "merge-suggestion", "data-contact-id": c.id },
      label,
      c.channels.map((ch) => ChannelBadge(ch)),
      why,
      h("button", { type: "button", class: "btn btn-small", onclick: () => ask(c, name) }, t("contact.mergeDo")),
    );
  };

  const ask = (c: ContactSummary, name: string) => {
    const sentence = h("p", { dir: "auto" });
    sentence.textContent = t("contact.mergeConfirm", { name });
    const go = h("button", { type: "button", class: "btn btn-primary", "data-testid": "merge-confirm" }, t("contact.mergeDo"));
    go.addEventListener("click", () => {
      go.disabled = true;
      api
        .mergeContacts(contact.id, c.id)
        .then(() => {
          store.notify(t("contact.mergeDone"), "info");
          changed();
        })
        .catch((err) => {
          store.notify(problemText(err));
          go.disabled = false;
        });
    });
    replace(confirm, sentence, go, h("button", { type: "button", class: "btn", onclick: () => (confirm.hidden = true) }, t("contact.close")));
    confirm.hidden = false;
    go.focus();
  };

  const showSuggestions = () =>
    api.mergeSuggestions(contact.id).then((list) => {
      replace(results, ...(list.length ? [h("li", { class: "muted" }, t("contact.mergeSuggested")), ...list.map((s) => item(s.contact, s.evidence))] : [h("li", { class: "muted" }, t("contact.mergeNone"))]));
    });

  let timer: number | undefined;
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = search.value.trim();
    timer = window.setTimeout(() => {
      if (!text) {
        void showSuggestions();
        return;
      }
      void api.searchContacts(text).then((list) => replace(results, ...list.filter((c) => c.id !== contact.id).map((c) => item(c))));
    }, 200);
  });
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      void showSuggestions().catch((err) => store.notify(problemText(err)));
      search.focus();
    }
  });

  const history = (contact.merges ?? []).length
    ? h(
        "section",
        { class: "card-section" },
        h("h3", null, t("contact.mergeHistory")),
        h(
          "ul",
          { class: "merge-history" },
          (contact.merges ?? []).map((m) => {
            const who = h("span", { dir: "auto" });
            who.textContent = m.otherContactName ?? m.mergedContactId.slice(0, 8);
            const undo = m.undoneAt
              ? h("span", { class: "badge" }, t("contact.mergeUndone"))
              : h("button", { type: "button", class: "btn btn-small", "data-testid": "merge-undo" }, t("contact.mergeUndo"));
            undo.addEventListener("click", () => {
              if (m.undoneAt) return;
              (undo as HTMLButtonElement).disabled = true;
              api
                .undoMerge(m.id)
                .then(() => {
                  store.notify(t("contact.mergeUndoneNotice"), "info");
                  changed();
                })
                .catch((err) => store.notify(problemText(err)));
            });
            return h("li", { "data-testid": "merge-history-item" }, who, h("span", { class: "muted" }, m.reason, " · ", when(m.mergedAt)), undo);
          }),
        ),
      )
    : null;

  return h("div", { class: "merge" }, toggle, panel, history);
}
