// "Why this agent": the routing decisions for a conversation (GET .../decisions), loaded when opened.
import { api, problemText } from "../api";
import { fullTime, t, when } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";

let keepOpen = false;

export function WhyThisAgent(scope: Scope, conversationId: string): HTMLElement {
  const body = h("div", { class: "why-body" });
  const details = h("details", { class: "why", "data-testid": "why-agent" }, h("summary", null, t("why.title")), body);
  let lastAssignee: string | null | undefined = store.conversations.get(conversationId)?.assigneeId;

  const load = async () => {
    replace(body, h("div", { class: "muted" }, t("why.loading")));
    try {
      const decisions = await api.decisions(conversationId);
      if (!decisions.length) {
        replace(body, h("div", { class: "muted", "data-testid": "decisions-empty" }, t("why.empty")));
        return;
      }
      replace(
        body,
        h(
          "ol",
          { class: "decisions" },
          decisions.map((d) => {
            const reason = h("div", { class: "decision-reason" });
            reason.textContent = d.reason;
            const agent = h("strong", null);
            agent.textContent = d.agentName ?? "";
            return h(
              "li",
              { class: "decision", "data-testid": "decision", "data-kind": d.kind },
              h("div", { class: "decision-head" }, h("span", { class: "badge" }, d.kind), agent, h("time", { datetime: d.at, title: fullTime(d.at) }, when(d.at)),
                d.policyVersion ? h("span", { class: "muted", "data-testid": "decision-policy" }, t("why.policy", { n: String(d.policyVersion) })) : null,
                d.queue ? policyQueue(d.queue) : null),
              reason,
            );
          }),
        ),
      );
    } catch (err) {
      replace(body, h("div", { class: "form-error" }, problemText(err)));
    }
  };

  details.addEventListener("toggle", () => {
    keepOpen = details.open;
    if (details.open) void load();
  });
  if (keepOpen) {
    details.open = true;
  }
  scope.add(
    store.on("conversations", (id) => {
      if (id !== conversationId) return;
      const assignee = store.conversations.get(conversationId)?.assigneeId;
      if (assignee !== lastAssignee) {
        lastAssignee = assignee;
        if (details.open) void load();
      }
    }),
  );
  return details;
}

function policyQueue(queue: string): HTMLElement {
  const el = h("span", { class: "muted", dir: "auto" });
  el.textContent = t("why.queue", { queue });
  return el;
}
