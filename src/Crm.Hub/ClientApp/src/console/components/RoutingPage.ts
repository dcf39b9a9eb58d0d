// Routing (supervisors and admins): the queues new conversations are sorted into — which conversations they take,
// their priority, SLA, team, skill and escalation, tried in order — edited with the server's validation shown at each
// field; a preview that says which queue a conversation would land in and why; and the policy's version history.
import { api, problemText, type QueueView } from "../api";
import { fullTime, num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { PolicyHistory } from "./PolicyHistory";
import { queueForm } from "./QueueForm";
import { QueuePreviewForm } from "./QueuePreview";
import { WhatIfPanel } from "./WhatIfPanel";

export function RoutingPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const list = h("div", { "data-testid": "queues" }, h("p", { class: "muted" }, t("routing.loading")));
  const editor = h("div");
  let queues: QueueView[] = [];
  const whatIf = WhatIfPanel();
  const history = PolicyHistory(scope, () => load(), whatIf.versions);
  const load = (): void =>
    void api
      .queues()
      .then((loaded) => {
        if (!alive) return;
        queues = loaded;
        replace(list, queues.length ? queueTable(queues, edit, load) : h("p", { class: "empty-state", "data-testid": "queues-empty" }, t("routing.empty")));
        history.refresh();
      })
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  const edit = (queue: QueueView | null): void => {
    replace(editor, queueForm(queue, queues, () => {
      replace(editor);
      load();
    }));
    editor.querySelector<HTMLInputElement>("input")?.focus();
  };
  const add = h("button", { type: "button", class: "btn btn-primary", "data-testid": "queue-add" }, t("routing.add"));
  add.addEventListener("click", () => edit(null));
  load();
  // Presence changes who can serve a queue: the staffing column follows the consoles coming and going.
  scope.add(store.on("directory", () => load()));
  return h(
    "div",
    { class: "page admin-page", "data-testid": "routing-page" },
    h("section", { class: "panel" }, h("div", { class: "panel-head" }, h("h2", null, t("routing.queues")), add), h("p", { class: "muted" }, t("routing.help")), list, editor),
    h("section", { class: "panel" }, h("h2", null, t("routing.preview")), QueuePreviewForm()),
    whatIf.el,
    history.el,
  );
}

function queueTable(queues: QueueView[], edit: (q: QueueView) => void, reload: () => void): HTMLElement {
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, (["order", "name", "takes", "skill", "priority", "sla", "escalation", "staffing", "version"] as const).map((k) => h("th", { scope: "col" }, t(`routing.col.${k}` as Key))), h("th", null, ""))),
    h(
      "tbody",
      null,
      queues.map((q) => {
        const editButton = h("button", { type: "button", class: "btn btn-small", "data-testid": "queue-edit" }, t("routing.edit"));
        editButton.addEventListener("click", () => edit(q));
        const remove = h("button", { type: "button", class: "btn btn-small", "data-testid": "queue-delete" }, t("routing.delete"));
        remove.addEventListener("click", () => {
          if (confirm(t("routing.confirmDelete", { name: q.name }))) void api.deleteQueue(q.id).then(reload);
        });
        const name = h("td", { dir: "auto" });
        name.textContent = q.name;
        const takes = h("td", { dir: "auto" });
        takes.textContent = conditions(q);
        return h(
          "tr",
          { "data-testid": "queue-row", "data-name": q.name },
          h("td", null, num(q.order)),
          name,
          takes,
          h("td", { dir: "auto" }, q.skill ? t("routing.skillAtLeast", { skill: q.skill, level: num(q.minProficiency) }) : "—"),
          h("td", null, num(q.priority)),
          h("td", null, q.firstResponseSlaSeconds ? duration(q.firstResponseSlaSeconds) : "—"),
          h("td", { "data-testid": "queue-escalation" }, escalation(q, queues)),
          staffingCell(q),
          h("td", { title: fullTime(q.updatedAt) }, `v${num(q.version)} · ${when(q.updatedAt)}`),
          h("td", null, editButton, " ", remove),
        );
      }),
    ),
  );
}

/** What a queue takes, in one line: its channels, inboxes, languages, tags, categories and words. */
function conditions(q: QueueView): string {
  const parts = [
    q.channels.length ? q.channels.map((c) => t(`channel.${c}` as Key)).join(", ") : t("routing.anyChannel"),
    q.inboxes.length ? t("routing.cond.inboxes", { list: q.inboxes.join(", ") }) : null,
    q.languages.length ? t("routing.cond.languages", { list: q.languages.map((l) => t(`routing.lang.${l}` as Key)).join(", ") }) : null,
    q.contactTags.length ? t("routing.cond.tags", { list: q.contactTags.join(", ") }) : null,
    q.categories.length ? t("routing.cond.categories", { list: q.categories.join(", ") }) : null,
    q.keywords.length ? t("routing.cond.words", { list: q.keywords.join(", ") }) : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** The queue's ladder: the team serving it, where it overflows and when, and when a supervisor is alerted. */
function escalation(q: QueueView, all: QueueView[]): string {
  const team = q.teamId ? store.teams.find((x) => x.id === q.teamId)?.name ?? "?" : null;
  const overflow = q.overflowQueueId ? all.find((x) => x.id === q.overflowQueueId)?.name ?? "?" : null;
  const parts = [
    team ? t("routing.esc.team", { team }) : null,
    overflow && q.overflowAfterSeconds ? t("routing.esc.overflow", { queue: overflow, after: duration(q.overflowAfterSeconds) }) : null,
    q.alertAfterSeconds ? t("routing.esc.alert", { after: duration(q.alertAfterSeconds) }) : null,
  ];
  return parts.filter(Boolean).join(" · ") || "—";
}

/** Flags a queue nobody could serve (no agent has its channels or skill level) or nobody online can serve right now. */
function staffingCell(q: QueueView): HTMLElement {
  const s = q.staffing;
  if (!s) return h("td", null, "—");
  const warning = s.eligibleAgents === 0 ? t("routing.noEligible") : s.eligibleOnline === 0 ? t("routing.nobodyOnline") : null;
  return h(
    "td",
    { "data-testid": "queue-staffing", "data-eligible": String(s.eligibleAgents), "data-online": String(s.eligibleOnline) },
    t("routing.staffed", { online: num(s.eligibleOnline), total: num(s.eligibleAgents) }),
    warning ? [" ", h("span", { class: "badge badge-bad", role: "note" }, warning)] : null,
  );
}

export function duration(seconds: number): string {
  if (seconds < 60) return t("routing.seconds", { n: num(seconds) });
  return seconds % 3600 === 0 ? t("routing.hours", { n: num(seconds / 3600) }) : t("routing.minutes", { n: num(Math.round(seconds / 60)) });
}
