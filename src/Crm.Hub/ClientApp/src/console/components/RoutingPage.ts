// Routing (supervisors and admins): the queues new conversations are sorted into — which channels and words they
// take, their priority and first-response SLA, tried in order — edited here with the server's validation shown at
// each field, and a preview that says which queue a first message would land in, and why.
import { api, problemText, type QueueInput, type QueueView } from "../api";
import { fullTime, num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { CHANNELS } from "../types";
import { clearErrors, field, showErrors } from "./forms";

export function RoutingPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const list = h("div", { "data-testid": "queues" }, h("p", { class: "muted" }, t("routing.loading")));
  const editor = h("div");
  const load = (): void =>
    void api
      .queues()
      .then((queues) => alive && replace(list, queues.length ? queueTable(queues, edit, load) : h("p", { class: "empty-state", "data-testid": "queues-empty" }, t("routing.empty"))))
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  const edit = (queue: QueueView | null): void => {
    replace(editor, queueForm(queue, () => {
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
    h("section", { class: "panel" }, h("h2", null, t("routing.preview")), previewForm()),
  );
}

function queueTable(queues: QueueView[], edit: (q: QueueView) => void, reload: () => void): HTMLElement {
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, (["order", "name", "channels", "keywords", "skill", "priority", "sla", "staffing", "version"] as const).map((k) => h("th", { scope: "col" }, t(`routing.col.${k}` as Key))), h("th", null, ""))),
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
        const keywords = h("td", { dir: "auto" });
        keywords.textContent = q.keywords.length ? q.keywords.join(", ") : t("routing.anyText");
        return h(
          "tr",
          { "data-testid": "queue-row", "data-name": q.name },
          h("td", null, num(q.order)),
          name,
          h("td", null, q.channels.length ? q.channels.map((c) => t(`channel.${c}` as Key)).join(", ") : t("routing.anyChannel")),
          keywords,
          h("td", { dir: "auto" }, q.skill ? t("routing.skillAtLeast", { skill: q.skill, level: num(q.minProficiency) }) : "—"),
          h("td", null, num(q.priority)),
          h("td", null, q.firstResponseSlaSeconds ? duration(q.firstResponseSlaSeconds) : "—"),
          staffingCell(q),
          h("td", { title: fullTime(q.updatedAt) }, `v${num(q.version)} · ${when(q.updatedAt)}`),
          h("td", null, editButton, " ", remove),
        );
      }),
    ),
  );
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

function queueForm(queue: QueueView | null, done: () => void): HTMLElement {
  const name = h("input", { id: "queue-name", type: "text", value: queue?.name ?? "", required: true, dir: "auto" });
  const order = h("input", { id: "queue-order", type: "number", min: "0", value: String(queue?.order ?? 0) });
  const priority = h("input", { id: "queue-priority", type: "number", min: "0", max: "9", value: String(queue?.priority ?? 0) });
  const sla = h("input", { id: "queue-sla", type: "number", min: "0", placeholder: t("routing.slaHint"), value: queue?.firstResponseSlaSeconds ? String(queue.firstResponseSlaSeconds / 60) : "" });
  const keywords = h("input", { id: "queue-keywords", type: "text", dir: "auto", placeholder: t("routing.keywordsHint"), value: (queue?.keywords ?? []).join(", ") });
  const skill = h("input", { id: "queue-skill", type: "text", dir: "auto", placeholder: t("routing.skillHint"), value: queue?.skill ?? "" });
  const level = h("input", { id: "queue-level", type: "number", min: "1", max: "5", value: String(queue?.minProficiency ?? 1) });
  const channelBoxes = CHANNELS.map((c) => {
    const box = h("input", { type: "checkbox", value: c, checked: queue?.channels.includes(c) ?? false, "data-testid": `queue-channel-${c}` });
    return { c, box, el: h("label", { class: "check" }, box, " ", t(`channel.${c}` as Key)) };
  });
  const fName = field("queue-name", t("routing.col.name"), name);
  const fOrder = field("queue-order", t("routing.col.order"), order);
  const fPriority = field("queue-priority", t("routing.col.priority"), priority);
  const fSla = field("queue-sla", t("routing.slaMinutes"), sla);
  const fKeywords = field("queue-keywords", t("routing.col.keywords"), keywords);
  const fSkill = field("queue-skill", t("routing.col.skill"), skill);
  const fLevel = field("queue-level", t("routing.minLevel"), level);
  const channelsError = h("div", { class: "field-error", "data-testid": "queue-channels-error" });
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "queue-form-error" });
  const slots = {
    name: fName.error, order: fOrder.error, priority: fPriority.error, firstResponseSlaSeconds: fSla.error, keywords: fKeywords.error,
    channels: channelsError, skill: fSkill.error, minProficiency: fLevel.error,
  };
  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "queue-save" }, queue ? t("routing.save") : t("routing.create"));
  const cancel = h("button", { type: "button", class: "btn" }, t("routing.cancel"));
  cancel.addEventListener("click", done);
  return h(
    "form",
    {
      class: "form queue-form",
      novalidate: true,
      "data-testid": "queue-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        clearErrors(slots, formError);
        const minutes = sla.value.trim() === "" ? null : Number(sla.value);
        const input: QueueInput = {
          name: name.value.trim(),
          order: Number(order.value || 0),
          priority: Number(priority.value || 0),
          firstResponseSlaSeconds: minutes === null ? null : Math.round(minutes * 60),
          channels: channelBoxes.filter((b) => b.box.checked).map((b) => b.c),
          keywords: keywords.value.split(",").map((k) => k.trim()).filter(Boolean),
          skill: skill.value.trim() || null,
          minProficiency: Number(level.value || 1),
        };
        save.disabled = true;
        try {
          if (queue) await api.updateQueue(queue.id, input);
          else await api.createQueue(input);
          done();
        } catch (err) {
          showErrors(err, slots, formError);
        } finally {
          save.disabled = false;
        }
      },
    },
    h("h3", null, queue ? t("routing.editing", { name: queue.name }) : t("routing.new")),
    h("div", { class: "form-grid" }, fName.el, fOrder.el, fPriority.el, fSla.el, fKeywords.el, fSkill.el, fLevel.el),
    h("fieldset", { class: "checks" }, h("legend", null, t("routing.col.channels")), channelBoxes.map((b) => b.el), h("p", { class: "muted" }, t("routing.channelsHint")), channelsError),
    formError,
    h("div", { class: "form-actions" }, save, cancel),
  );
}

function previewForm(): HTMLElement {
  const channel = h("select", { id: "preview-channel", "data-testid": "preview-channel" }, CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}` as Key))));
  const text = h("textarea", { id: "preview-text", rows: 3, dir: "auto", "data-testid": "preview-text", placeholder: t("routing.previewHint") });
  const result = h("div", { role: "status", "aria-live": "polite", "data-testid": "preview-result" });
  let timer = 0;
  const run = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      void api
        .previewQueue(channel.value, text.value)
        .then((p) => {
          const queueName = h("strong", { "data-testid": "preview-queue" });
          queueName.textContent = p.queue ?? t("routing.noQueue");
          const why = h("p", { class: "muted", dir: "auto" });
          why.textContent = p.explanation;
          replace(result, h("p", null, t("routing.wouldGo"), " ", queueName, " · ", t("routing.col.priority"), " ", num(p.priority),
            p.firstResponseSlaSeconds ? [" · ", t("routing.col.sla"), " ", duration(p.firstResponseSlaSeconds)] : null), why);
        })
        .catch((err) => replace(result, h("div", { class: "form-error" }, problemText(err))));
    }, 250);
  };
  channel.addEventListener("change", run);
  text.addEventListener("input", run);
  return h("div", { class: "form" }, field("preview-channel", t("routing.channel"), channel).el, field("preview-text", t("routing.firstMessage"), text).el, result);
}

function duration(seconds: number): string {
  return seconds % 3600 === 0 ? t("routing.hours", { n: num(seconds / 3600) }) : t("routing.minutes", { n: num(Math.round(seconds / 60)) });
}
