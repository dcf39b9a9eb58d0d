// "Where would it go?": a conversation's channel, inbox, first message, contact tags and category, classified by the
// policy in force, with the reason each queue before it did not take it and the escalation ladder it would climb.
import { api, problemText } from "../api";
import { num, t, type Key } from "../i18n";
import { h, replace } from "../../shared/h";
import { CHANNELS } from "../types";
import { field } from "./forms";
import { duration } from "./RoutingPage";

export function QueuePreviewForm(): HTMLElement {
  const channel = h("select", { id: "preview-channel", "data-testid": "preview-channel" }, CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}` as Key))));
  const text = h("textarea", { id: "preview-text", rows: 3, dir: "auto", "data-testid": "preview-text", placeholder: t("routing.previewHint") });
  const inbox = h("input", { id: "preview-inbox", type: "text", dir: "ltr", "data-testid": "preview-inbox", placeholder: t("routing.inboxesHint") });
  const tags = h("input", { id: "preview-tags", type: "text", dir: "auto", "data-testid": "preview-tags", placeholder: t("routing.tagsHint") });
  const category = h("input", { id: "preview-category", type: "text", dir: "auto", "data-testid": "preview-category", placeholder: t("routing.categoriesHint") });
  const result = h("div", { role: "status", "aria-live": "polite", "data-testid": "preview-result" });
  let timer = 0;
  const run = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      void api
        .previewQueue({
          channel: channel.value,
          text: text.value,
          inbox: inbox.value.trim() || null,
          contactTags: tags.value.split(",").map((v) => v.trim()).filter(Boolean),
          category: category.value.trim() || null,
        })
        .then((p) => {
          const queueName = h("strong", { "data-testid": "preview-queue" });
          queueName.textContent = p.queue ?? t("routing.noQueue");
          const why = h("p", { class: "muted", dir: "auto" });
          why.textContent = p.explanation;
          const trace = h("ol", { class: "preview-trace", "data-testid": "preview-trace" }, p.trace.map((line) => {
            const li = h("li", { dir: "auto" });
            li.textContent = line;
            return li;
          }));
          replace(
            result,
            h("p", null, t("routing.wouldGo"), " ", queueName, " · ", t("routing.col.priority"), " ", num(p.priority),
              p.firstResponseSlaSeconds ? [" · ", t("routing.col.sla"), " ", duration(p.firstResponseSlaSeconds)] : null,
              " · ", t("routing.policyVersion", { n: num(p.policyVersion) }),
              p.language ? [" · ", t("routing.detectedLanguage", { language: t(`routing.lang.${p.language}` as Key) })] : null),
            why,
            p.ladder.length ? h("p", { class: "muted", "data-testid": "preview-ladder" }, t("routing.ladder", { steps: p.ladder.join(" → ") })) : null,
            p.trace.length ? trace : null,
          );
        })
        .catch((err) => replace(result, h("div", { class: "form-error" }, problemText(err))));
    }, 250);
  };
  for (const control of [channel, text, inbox, tags, category]) {
    control.addEventListener(control === channel ? "change" : "input", run);
  }
  return h(
    "div",
    { class: "form" },
    h("div", { class: "form-grid" },
      field("preview-channel", t("routing.channel"), channel).el,
      field("preview-inbox", t("routing.inboxes"), inbox).el,
      field("preview-tags", t("routing.tags"), tags).el,
      field("preview-category", t("routing.categories"), category).el),
    field("preview-text", t("routing.firstMessage"), text).el,
    result,
  );
}
