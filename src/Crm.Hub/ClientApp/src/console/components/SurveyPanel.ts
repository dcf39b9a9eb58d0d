// The contact card's survey section: this conversation's survey (sent, answered with its score and comment, expired or
// why it was not sent) and the contact's earlier scores. Refreshed when a SurveyAnswered event names the conversation.
import { problemText } from "../api";
import { num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { surveysApi, type SurveyView } from "../surveysApi";
import { h, replace } from "../../shared/h";

export function SurveyPanel(scope: Scope, contactId: string, conversationId: string): HTMLElement {
  const root = h("section", { class: "card-section survey-panel", "data-testid": "survey-panel" }, h("h3", null, t("survey.title")));
  const body = h("div", null, h("p", { class: "muted" }, t("contact.loading")));
  root.append(body);
  let alive = true;
  scope.add(() => (alive = false));
  const load = (): void =>
    void Promise.all([surveysApi.ofConversation(conversationId), surveysApi.ofContact(contactId)])
      .then(([own, all]) => {
        if (!alive) return;
        const earlier = all.filter((s) => s.conversationId !== conversationId && s.score !== null).slice(0, 5);
        replace(
          body,
          own ? current(own) : h("p", { class: "muted", "data-testid": "survey-none" }, t("survey.notYet")),
          earlier.length > 0
            ? h("ul", { class: "survey-history" }, earlier.map((s) => h("li", null, scoreBadge(s), " ", h("span", { class: "muted" }, t("conv.number", { n: s.conversationNumber })))))
            : null,
        );
      })
      .catch((err) => alive && replace(body, h("div", { class: "form-error" }, problemText(err))));
  load();
  scope.add(store.on("surveys", (id) => id === conversationId && load()));
  return root;
}

function scoreBadge(s: SurveyView): HTMLElement {
  return h("span", { class: `badge survey-score-badge`, "data-testid": "survey-score" }, `${t(`survey.kind.${s.kind}` as Key)} ${num(s.score ?? 0)}`);
}

function current(s: SurveyView): HTMLElement {
  const comment = h("blockquote", { class: "survey-comment", dir: "auto" });
  comment.textContent = s.comment ?? "";
  switch (s.state) {
    case "answered":
      return h("div", { "data-testid": "survey-state", "data-state": s.state }, scoreBadge(s), " ",
        h("span", { class: "muted" }, t("survey.answeredVia", { via: t(`channel.${s.answeredVia ?? s.channel}` as Key), when: when(s.answeredAt ?? "") })),
        s.comment ? comment : null);
    case "sent":
      return h("div", { "data-testid": "survey-state", "data-state": s.state },
        h("span", null, t("survey.waiting", { kind: t(`survey.kind.${s.kind}` as Key), when: when(s.sentAt ?? "") })), s.comment ? comment : null);
    case "expired":
      return h("div", { "data-testid": "survey-state", "data-state": s.state }, h("span", { class: "muted" }, t("survey.expired")), s.comment ? comment : null);
    default:
      return h("div", { "data-testid": "survey-state", "data-state": s.state }, h("span", { class: "muted" }, t("survey.skipped", { reason: s.skipReason ?? "" })));
  }
}
