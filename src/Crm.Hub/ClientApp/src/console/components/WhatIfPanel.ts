// What-if replay: "with this policy version and these people, how would that day have gone?" — a recorded day replayed
// through the real routing engine; waits, SLA compliance and each agent's occupancy, shown as figures, a table and bars.
import { api, type PolicyVersionView, type QueueOutcome, type ReplayReport, type WhatIfAgentInput } from "../api";
import { num, t } from "../i18n";
import { h, replace } from "../../shared/h";
import { field, showErrors, clearErrors } from "./forms";
import { duration } from "./RoutingPage";

const CAPACITY_CHANNELS = ["webchat", "sms", "email", "telegram"] as const;

export function WhatIfPanel(): { el: HTMLElement; versions: (list: PolicyVersionView[]) => void } {
  const today = new Date().toISOString().slice(0, 10);
  const date = h("input", { id: "whatif-date", type: "date", value: today, "data-testid": "whatif-date" });
  const zone = h("input", { id: "whatif-zone", type: "text", dir: "ltr", value: Intl.DateTimeFormat().resolvedOptions().timeZone, "data-testid": "whatif-zone" });
  const version = h("select", { id: "whatif-version", "data-testid": "whatif-version" }, h("option", { value: "" }, t("whatif.current")));
  const staffMode = h("select", { id: "whatif-staff", "data-testid": "whatif-staff" },
    h("option", { value: "today" }, t("whatif.todaysAgents")), h("option", { value: "custom" }, t("whatif.customAgents")));
  const rows = h("tbody");
  const addRow = (): void => {
    const row = h("tr", { "data-testid": "whatif-agent" },
      h("td", null, h("input", { type: "text", dir: "auto", value: t("whatif.agentN", { n: num(rows.children.length + 1) }), "aria-label": t("whatif.name"), "data-field": "name" })),
      CAPACITY_CHANNELS.map((c) => h("td", null, h("input", { type: "number", min: 0, max: 100, value: c === "webchat" ? "3" : "0", "aria-label": t(`channel.${c}`), "data-field": c }))),
      h("td", null, h("input", { type: "text", dir: "ltr", placeholder: "09:00-17:00", "aria-label": t("whatif.shifts"), "data-field": "shifts" })));
    rows.append(row);
  };
  addRow();
  const add = h("button", { type: "button", class: "btn btn-small", "data-testid": "whatif-add-agent" }, t("whatif.addAgent"));
  add.addEventListener("click", addRow);
  const custom = h("div", { hidden: true },
    h("table", { class: "table" },
      h("thead", null, h("tr", null, h("th", null, t("whatif.name")), CAPACITY_CHANNELS.map((c) => h("th", null, t(`channel.${c}`))), h("th", null, t("whatif.shifts")))),
      rows),
    add);
  staffMode.addEventListener("change", () => (custom.hidden = staffMode.value !== "custom"));
  const result = h("div", { role: "status", "aria-live": "polite", "data-testid": "whatif-result" });
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "whatif-error" });
  const fDate = field("whatif-date", t("whatif.date"), date);
  const fZone = field("whatif-zone", t("whatif.timeZone"), zone);
  const fVersion = field("whatif-version", t("whatif.policy"), version);
  const slots = { date: fDate.error, timeZone: fZone.error, policyVersion: fVersion.error };
  const run = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "whatif-run" }, t("whatif.run"));
  const el = h(
    "section",
    { class: "panel", "data-testid": "whatif" },
    h("h2", null, t("whatif.title")),
    h("p", { class: "muted" }, t("whatif.help")),
    h("form", {
      class: "form",
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        clearErrors(slots, formError);
        run.disabled = true;
        replace(result, h("p", { class: "muted" }, t("whatif.running")));
        try {
          const report = await api.replay({
            date: date.value,
            timeZone: zone.value.trim() || null,
            policyVersion: version.value ? Number(version.value) : null,
            agents: staffMode.value === "custom" ? agents(rows) : null,
          });
          replace(result, Report(report));
        } catch (err) {
          replace(result);
          showErrors(err, slots, formError);
        } finally {
          run.disabled = false;
        }
      },
    },
    h("div", { class: "form-grid" }, fDate.el, fZone.el, fVersion.el, field("whatif-staff", t("whatif.staffing"), staffMode).el),
    custom, formError, h("div", { class: "form-actions" }, run)),
    result,
  );
  const versions = (list: PolicyVersionView[]): void => {
    const chosen = version.value;
    replace(version, h("option", { value: "" }, t("whatif.current")), list.map((v) => h("option", { value: String(v.version), selected: String(v.version) === chosen }, `v${num(v.version)} · ${v.change}`)));
  };
  return { el, versions };
}

function agents(rows: HTMLElement): WhatIfAgentInput[] {
  return Array.from(rows.children, (row) => {
    const value = (f: string) => row.querySelector<HTMLInputElement>(`[data-field="${f}"]`)?.value ?? "";
    return {
      name: value("name"),
      capacity: Object.fromEntries(CAPACITY_CHANNELS.map((c) => [c, Number(value(c) || 0)])),
      shifts: value("shifts").split(",").map((s) => s.trim()).filter(Boolean),
    };
  });
}

function Report(r: ReplayReport): HTMLElement {
  if (r.overall.conversations === 0) return h("p", { class: "empty-state", "data-testid": "whatif-empty" }, t("whatif.empty"));
  const pct = (x: number | null) => (x === null ? "—" : `${num(Math.round(x * 1000) / 10)}%`);
  const wait = (s: number) => duration(Math.round(s));
  const figure = (label: string, value: string, testid: string) => h("div", { class: "figure", "data-testid": testid }, h("div", { class: "figure-value" }, value), h("div", { class: "muted" }, label));
  const row = (q: QueueOutcome) => {
    const name = h("td", { dir: "auto" });
    name.textContent = q.queue === "all" ? t("whatif.allQueues") : q.queue;
    return h("tr", { "data-testid": "whatif-queue" }, name, h("td", null, num(q.conversations)), h("td", null, num(q.answered)),
      h("td", null, pct(q.slaCompliance)), h("td", null, wait(q.waits.meanSeconds)), h("td", null, wait(q.waits.p90Seconds)), h("td", null, wait(q.waits.maxSeconds)));
  };
  return h(
    "div",
    null,
    h("div", { class: "figures" },
      figure(t("whatif.answered"), `${num(r.overall.answered)} / ${num(r.overall.conversations)}`, "whatif-answered"),
      figure(t("whatif.sla"), pct(r.overall.slaCompliance), "whatif-sla"),
      figure(t("whatif.meanWait"), wait(r.overall.waits.meanSeconds), "whatif-mean"),
      figure(t("whatif.p90"), wait(r.overall.waits.p90Seconds), "whatif-p90"),
      figure(t("whatif.alerts"), num(r.escalations + r.slaAtRisk), "whatif-alerts")),
    h("table", { class: "table" },
      h("thead", null, h("tr", null, [t("routing.col.name"), t("whatif.conversations"), t("whatif.answered"), t("whatif.sla"), t("whatif.meanWait"), t("whatif.p90"), t("whatif.max")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, [...r.queues, r.overall].map(row))),
    h("h3", null, t("whatif.occupancy")),
    h("ul", { class: "bars" }, r.agents.map((a) => {
      const name = h("span", { class: "bar-label", dir: "auto" });
      name.textContent = a.name;
      const share = a.occupancy ?? 0;
      return h("li", { "data-testid": "whatif-occupancy" }, name,
        h("span", { class: "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(share * 100)) },
          h("span", { class: "bar-fill", style: { inlineSize: `${Math.round(share * 100)}%` } })),
        h("span", { class: "bar-value" }, `${pct(a.occupancy)} · ${num(a.conversations)}`));
    })),
  );
}
