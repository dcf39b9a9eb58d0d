// "Why this agent": the routing decisions for a conversation (GET .../decisions), loaded when opened.
import { api, problemText } from "../api";
import { fullTime, num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { Candidate } from "../types";

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
              d.candidates?.length ? candidateTable(d.candidates) : null,
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

/** Who the router looked at: chosen, runner-up (the tie-break), excluded — with load, idle since and skill level. */
function candidateTable(candidates: Candidate[]): HTMLElement {
  return h(
    "table",
    { class: "table candidates", "data-testid": "decision-candidates" },
    h("thead", null, h("tr", null, (["agent", "verdict", "load", "idle", "level"] as const).map((k) => h("th", { scope: "col" }, t(`why.col.${k}` as Key))))),
    h("tbody", null, candidates.map((c) => {
      const name = h("td", { dir: "auto" });
      name.textContent = c.agentName ?? c.agentId.slice(0, 8);
      return h("tr", { "data-testid": "decision-candidate", "data-verdict": c.verdict }, name, h("td", null, t(`why.verdict.${c.verdict}` as Key)),
        h("td", null, num(c.load)), h("td", { title: fullTime(c.idleSince) }, when(c.idleSince)), h("td", null, c.proficiency === null ? "—" : num(c.proficiency)));
    })),
  );
}
