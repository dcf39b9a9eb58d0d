// The queue editor: which conversations a queue takes (channels, inboxes, languages, contact tags, categories, words),
// what they get (priority, SLA, team, skill) and how they escalate (overflow queue after a wait, supervisor alert).
// The server validates; its messages are shown at each field.
import { api, type QueueInput, type QueueView } from "../api";
import { t, type Key } from "../i18n";
import { store } from "../store";
import { h } from "../../shared/h";
import { CHANNELS } from "../types";
import { clearErrors, field, showErrors } from "./forms";
import { queueHoursFields } from "./QueueHoursFields";

const LANGUAGES = ["en", "fa"] as const;

const list = (value: string): string[] => value.split(",").map((v) => v.trim()).filter(Boolean);
const minutes = (seconds: number | null | undefined): string => (seconds ? String(seconds / 60) : "");
const seconds = (value: string): number | null => (value.trim() === "" ? null : Math.round(Number(value) * 60));

export function queueForm(queue: QueueView | null, queues: QueueView[], done: () => void): HTMLElement {
  const text = (id: string, value: string, placeholder?: string) => h("input", { id, type: "text", dir: "auto", value, placeholder: placeholder ?? "" });
  const number = (id: string, value: string, min: string, max?: string, placeholder?: string) =>
    h("input", { id, type: "number", min, max: max ?? "", step: "any", value, placeholder: placeholder ?? "" });
  const name = h("input", { id: "queue-name", type: "text", value: queue?.name ?? "", required: true, dir: "auto" });
  const order = number("queue-order", String(queue?.order ?? 0), "0");
  const priority = number("queue-priority", String(queue?.priority ?? 0), "0", "9");
  const sla = number("queue-sla", minutes(queue?.firstResponseSlaSeconds), "0", undefined, t("routing.slaHint"));
  const keywords = text("queue-keywords", (queue?.keywords ?? []).join(", "), t("routing.keywordsHint"));
  const inboxes = text("queue-inboxes", (queue?.inboxes ?? []).join(", "), t("routing.inboxesHint"));
  const tags = text("queue-tags", (queue?.contactTags ?? []).join(", "), t("routing.tagsHint"));
  const categories = text("queue-categories", (queue?.categories ?? []).join(", "), t("routing.categoriesHint"));
  const skill = text("queue-skill", queue?.skill ?? "", t("routing.skillHint"));
  const level = number("queue-level", String(queue?.minProficiency ?? 1), "1", "5");
  const team = h("select", { id: "queue-team", "data-testid": "queue-team" },
    h("option", { value: "" }, t("routing.anyTeam")),
    store.teams.map((x) => h("option", { value: x.id, selected: queue?.teamId === x.id }, x.name)));
  const overflow = h("select", { id: "queue-overflow", "data-testid": "queue-overflow" },
    h("option", { value: "" }, t("routing.noOverflow")),
    queues.filter((q) => q.id !== queue?.id).map((q) => h("option", { value: q.id, selected: queue?.overflowQueueId === q.id }, q.name)));
  const overflowAfter = number("queue-overflow-after", minutes(queue?.overflowAfterSeconds), "0", undefined, t("routing.slaHint"));
  const survey = h("select", { id: "queue-survey", "data-testid": "queue-survey" },
    ["", "none", "csat", "nps", "ces"].map((v) => h("option", { value: v, selected: (queue?.survey ?? "") === v }, t(`survey.choice.${v || "default"}` as Key))));
  const resolutionSla = number("queue-resolution-sla", minutes(queue?.resolutionSlaSeconds), "0", undefined, t("routing.slaHint"));
  const setsCategory = text("queue-sets-category", queue?.setsCategory ?? "", t("routing.setsCategoryHint"));
  const hours = queueHoursFields(queue?.calendar);
  const alertAfter = number("queue-alert-after", minutes(queue?.alertAfterSeconds), "0", undefined, t("routing.slaHint"));
  const boxes = <T extends string>(values: readonly T[], checked: readonly string[], label: (v: T) => string, testid: string) =>
    values.map((v) => {
      const box = h("input", { type: "checkbox", value: v, checked: checked.includes(v), "data-testid": `${testid}-${v}` });
      return { v, box, el: h("label", { class: "check" }, box, " ", label(v)) };
    });
  const channelBoxes = boxes(CHANNELS, queue?.channels ?? [], (c) => t(`channel.${c}` as Key), "queue-channel");
  const languageBoxes = boxes(LANGUAGES, queue?.languages ?? [], (l) => t(`routing.lang.${l}` as Key), "queue-language");

  const f = {
    name: field("queue-name", t("routing.col.name"), name),
    order: field("queue-order", t("routing.col.order"), order),
    priority: field("queue-priority", t("routing.col.priority"), priority),
    firstResponseSlaSeconds: field("queue-sla", t("routing.slaMinutes"), sla),
    keywords: field("queue-keywords", t("routing.col.keywords"), keywords),
    inboxes: field("queue-inboxes", t("routing.inboxes"), inboxes),
    contactTags: field("queue-tags", t("routing.tags"), tags),
    categories: field("queue-categories", t("routing.categories"), categories),
    skill: field("queue-skill", t("routing.col.skill"), skill),
    minProficiency: field("queue-level", t("routing.minLevel"), level),
    teamId: field("queue-team", t("routing.team"), team),
    overflowQueueId: field("queue-overflow", t("routing.overflowTo"), overflow),
    overflowAfterSeconds: field("queue-overflow-after", t("routing.overflowAfter"), overflowAfter),
    alertAfterSeconds: field("queue-alert-after", t("routing.alertAfter"), alertAfter),
    resolutionSlaSeconds: field("queue-resolution-sla", t("routing.resolutionSla"), resolutionSla),
    setsCategory: field("queue-sets-category", t("routing.setsCategory"), setsCategory),
    survey: field("queue-survey", t("survey.choice.label"), survey),
  };
  const channelsError = h("div", { class: "field-error", "data-testid": "queue-channels-error" });
  const languagesError = h("div", { class: "field-error", "data-testid": "queue-languages-error" });
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "queue-form-error" });
  const slots: Record<string, HTMLElement> = { channels: channelsError, languages: languagesError };
  for (const [key, value] of Object.entries(f)) slots[key] = value.error;
  slots.calendar = hours.error;
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
        const input: QueueInput = {
          name: name.value.trim(),
          order: Number(order.value || 0),
          priority: Number(priority.value || 0),
          firstResponseSlaSeconds: seconds(sla.value),
          channels: channelBoxes.filter((b) => b.box.checked).map((b) => b.v),
          keywords: list(keywords.value),
          skill: skill.value.trim() || null,
          minProficiency: Number(level.value || 1),
          inboxes: list(inboxes.value),
          languages: languageBoxes.filter((b) => b.box.checked).map((b) => b.v),
          contactTags: list(tags.value),
          categories: list(categories.value),
          teamId: team.value || null,
          overflowQueueId: overflow.value || null,
          overflowAfterSeconds: seconds(overflowAfter.value),
          alertAfterSeconds: seconds(alertAfter.value),
          resolutionSlaSeconds: seconds(resolutionSla.value),
          calendar: hours.value(),
          setsCategory: setsCategory.value.trim() || null,
          survey: survey.value || null,
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
    h("h4", null, t("routing.takes")),
    h("div", { class: "form-grid" }, f.name.el, f.order.el, f.keywords.el, f.inboxes.el, f.contactTags.el, f.categories.el),
    h("fieldset", { class: "checks" }, h("legend", null, t("routing.col.channels")), channelBoxes.map((b) => b.el), h("p", { class: "muted" }, t("routing.channelsHint")), channelsError),
    h("fieldset", { class: "checks" }, h("legend", null, t("routing.languages")), languageBoxes.map((b) => b.el), h("p", { class: "muted" }, t("routing.languagesHint")), languagesError),
    h("h4", null, t("routing.gets")),
    h("div", { class: "form-grid" }, f.priority.el, f.firstResponseSlaSeconds.el, f.resolutionSlaSeconds.el, f.setsCategory.el, f.teamId.el, f.skill.el, f.minProficiency.el, f.survey.el),
    hours.el,
    h("h4", null, t("routing.escalates")),
    h("p", { class: "muted" }, t("routing.escalationHelp")),
    h("div", { class: "form-grid" }, f.overflowQueueId.el, f.overflowAfterSeconds.el, f.alertAfterSeconds.el),
    formError,
    h("div", { class: "form-actions" }, save, cancel),
  );
}
