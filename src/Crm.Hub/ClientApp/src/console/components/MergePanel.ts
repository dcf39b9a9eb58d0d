// "Merge…" on the contact card: likely duplicates (with the evidence), a search for any other contact, a confirm
// step that says what will move, and the merge history with Undo. Every merge is undoable on the server.
import { api, problemText } from "../api";
import { t, when } from "../i18n";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ContactSummary, ContactView, MergeView } from "../types";
import { ChannelBadge } from "./ChannelBadge";
import "./MergePanel.css";

/** A merge as GET /contacts/{id} lists it; the fields after types.ts's MergeView came with merge history details. */
type MergeEntry = MergeView & { otherContactId?: string | null; automatic?: boolean; mergedBy?: string | null; undoneBy?: string | null };

let panels = 0;

function textEl(tag: "span" | "p" | "strong", value: string, cls?: string, dir: "auto" | "ltr" = "auto"): HTMLElement {
  const el = h(tag, { class: cls ?? null, dir });
  el.textContent = value;
  return el;
}

const nameOf = (c: { id: string; displayName: string | null; phone: string | null; email: string | null }) =>
  c.displayName || c.phone || c.email || c.id.slice(0, 8);

export function MergePanel(contact: ContactView, changed: () => void): HTMLElement {
  const uid = `merge-${++panels}`;
  const results = h("ul", { class: "merge-results", "aria-live": "polite", "aria-label": t("contact.mergeSuggested") });
  const confirm = h("div", { class: "merge-confirm-box", hidden: true, role: "alertdialog", "aria-modal": "false", "aria-labelledby": `${uid}-q` });
  const search = h("input", {
    type: "search",
    class: "input",
    placeholder: t("contact.mergeSearch"),
    "aria-label": t("contact.mergeSearch"),
    "data-testid": "merge-search",
  });
  const panel = h("div", { class: "merge-panel", "data-testid": "merge-panel", id: `${uid}-panel`, hidden: true }, h("h3", null, t("contact.mergeTitle")), search, results, confirm);
  const toggle = h(
    "button",
    { type: "button", class: "btn btn-small", "data-testid": "contact-merge", "aria-expanded": "false", "aria-controls": `${uid}-panel` },
    t("contact.merge"),
  );
  let returnFocus: HTMLElement = toggle;
  const openHere = contact.timeline.some((c) => c.status !== "resolved");

  const closeConfirm = () => {
    confirm.hidden = true;
    replace(confirm);
    returnFocus.focus();
  };
  const closePanel = () => {
    closeConfirm();
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  };
  panel.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    if (!confirm.hidden) closeConfirm();
    else closePanel();
  });

  const item = (c: ContactSummary, evidence?: string, strength?: string) => {
    const name = nameOf(c);
    const pick = h("button", { type: "button", class: "btn btn-small", "aria-label": `${t("contact.mergeDo")}: ${name}` }, t("contact.mergeDo"));
    pick.addEventListener("click", () => {
      returnFocus = pick;
      void ask(c, name);
    });
    return h(
      "li",
      { "data-testid": "merge-suggestion", "data-contact-id": c.id, "data-strength": strength ?? null },
      textEl("span", name, "merge-name"),
      c.channels.map((ch) => ChannelBadge(ch)),
      textEl("span", evidence ?? [c.phone, c.email].filter(Boolean).join(" · "), "muted merge-evidence"),
      pick,
    );
  };

  // What the agent is about to do, in full: the channels and conversations that move, the fields filled here, and
  // that two open conversations stay two conversations.
  const ask = async (c: ContactSummary, name: string) => {
    replace(confirm, h("p", { class: "muted" }, t("contact.loading")));
    confirm.hidden = false;
    let other: ContactView;
    try {
      other = await api.contact(c.id);
    } catch (err) {
      replace(confirm, h("p", { class: "form-error" }, problemText(err)), cancelButton());
      return;
    }
    const fills = [
      !contact.displayName && other.displayName ? t("contact.mergeFieldName") : null,
      !contact.email && other.email ? t("contact.email") : null,
      !contact.phone && other.phone ? t("contact.phone") : null,
    ].filter((f): f is string => f !== null);
    const openThere = other.timeline.some((x) => x.status !== "resolved");
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
    replace(
      confirm,
      question(`${uid}-q`, t("contact.mergeConfirm", { name })),
      h("h4", null, t("contact.mergeMoves")),
      h(
        "ul",
        { class: "merge-moves", "data-testid": "merge-moves" },
        other.identities.length
          ? other.identities.map((i) => h("li", null, ChannelBadge(i.channel), textEl("span", i.address, "address", "ltr")))
          : h("li", { class: "muted" }, t("contact.mergeNoChannels")),
        h("li", null, t("contact.mergeMovesConversations", { n: other.timeline.length })),
        fills.length ? h("li", null, t("contact.mergeFills", { fields: fills.join(" · ") })) : null,
      ),
      openHere && openThere ? h("p", { class: "merge-note", role: "note", "data-testid": "merge-both-open" }, t("contact.mergeBothOpen")) : null,
      h("div", { class: "merge-actions" }, go, cancelButton()),
    );
    go.focus();
  };
  const cancelButton = () => h("button", { type: "button", class: "btn", onclick: closeConfirm }, t("contact.close"));

  const showSuggestions = () =>
    api.mergeSuggestions(contact.id).then((list) => {
      replace(
        results,
        ...(list.length
          ? [h("li", { class: "muted" }, t("contact.mergeSuggested")), ...list.map((s) => item(s.contact, s.evidence, s.strength))]
          : [h("li", { class: "muted" }, t("contact.mergeNone"))]),
      );
    });

  // Only the answer to the latest keystroke is shown, whatever order the answers come back in.
  let timer: number | undefined;
  let asked = 0;
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = search.value.trim();
    timer = window.setTimeout(() => {
      const mine = ++asked;
      const shown = text
        ? api.searchContacts(text).then((list) => {
            if (mine !== asked) return;
            const others = list.filter((c) => c.id !== contact.id);
            replace(results, ...(others.length ? others.map((c) => item(c)) : [h("li", { class: "muted" }, t("contact.mergeSearchNone"))]));
          })
        : showSuggestions();
      shown.catch((err) => store.notify(problemText(err)));
    }, 200);
  });
  toggle.addEventListener("click", () => {
    if (!panel.hidden) {
      closePanel();
      return;
    }
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    returnFocus = toggle;
    void showSuggestions().catch((err) => store.notify(problemText(err)));
    search.focus();
  });

  const merges = (contact.merges ?? []) as MergeEntry[];
  const history = merges.length
    ? h(
        "section",
        { class: "card-section" },
        h("h3", null, t("contact.mergeHistory")),
        h("ul", { class: "merge-history" }, merges.map((m) => historyItem(m, changed))),
      )
    : null;

  return h(
    "div",
    { class: "merge" },
    contact.mergedFrom ? h("p", { class: "merge-note", role: "status", "data-testid": "merged-from" }, t("contact.mergedFrom")) : null,
    toggle,
    panel,
    history,
  );
}

function question(id: string, value: string): HTMLElement {
  const el = h("p", { id, class: "merge-question", dir: "auto" });
  el.textContent = value;
  return el;
}

function historyItem(m: MergeEntry, changed: () => void): HTMLElement {
  const other = m.otherContactName ?? (m.otherContactId ?? m.mergedContactId).slice(0, 8);
  const who = m.automatic ? t("contact.mergeAutomatic") : m.mergedBy ? t("contact.mergeBy", { name: m.mergedBy }) : null;
  let action: HTMLElement;
  if (m.undoneAt) {
    action = h("span", { class: "badge" }, m.undoneBy ? t("contact.mergeUndoneBy", { name: m.undoneBy }) : t("contact.mergeUndone"));
  } else {
    const undo = h("button", { type: "button", class: "btn btn-small", "data-testid": "merge-undo", "aria-label": t("contact.mergeUndoLabel", { name: other }) }, t("contact.mergeUndo"));
    undo.addEventListener("click", () => {
      undo.disabled = true;
      api
        .undoMerge(m.id)
        .then(() => {
          store.notify(t("contact.mergeUndoneNotice"), "info");
          changed();
        })
        .catch((err) => {
          // 409 says why (already undone, or a later merge to undo first).
          store.notify(problemText(err));
          undo.disabled = false;
        });
    });
    action = undo;
  }
  return h(
    "li",
    { "data-testid": "merge-history-item", "data-merge-id": m.id, "data-undone": m.undoneAt ? "true" : "false" },
    textEl("strong", other),
    h("span", { class: "muted merge-evidence" }, textEl("span", m.reason), " · ", h("time", { datetime: m.mergedAt }, when(m.mergedAt)), who ? ` · ${who}` : null),
    action,
  );
}
