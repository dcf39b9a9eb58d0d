// Reports (supervisors and admins): the DESIGN §8 figures for the conversations opened in a chosen period, in total, per day
// (a line chart) and broken down by queue, agent, team, channel or category (bars and a table), with the CSV behind them.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import { ApiError, problemText } from "../api";
import { num, t, type Key } from "../i18n";
import { BREAKDOWNS, reportsApi, type Breakdown, type ReportFigures, type ReportSummary } from "../reportsApi";
import type { Scope } from "../scope";
import { h, replace } from "../../shared/h";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** A duration in seconds as the console shows it: seconds, minutes, or hours and minutes. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return t("reports.unit.s", { n: num(Math.round(seconds)) });
  if (seconds < 3600) return t("reports.unit.min", { n: num(Math.round(seconds / 60)) });
  const minutes = Math.round(seconds / 60);
  return t("reports.unit.h", { h: num(Math.floor(minutes / 60)), m: num(minutes % 60) });
}

/** A refused report says why (the period, the breakdown), not just that something was invalid. */
const reason = (err: unknown): string =>
  err instanceof ApiError && err.problem.errors ? Object.values(err.problem.errors).flat().join(" ") : problemText(err);

const percent = (value: number | null | undefined): string => (value === null || value === undefined ? "—" : `${num(value)}%`);
const plain = (value: number | null | undefined): string => (value === null || value === undefined ? "—" : num(value));

export function ReportsPage(scope: Scope): HTMLElement {
  let alive = true;
  const charts: Chart[] = [];
  const dropCharts = () => charts.splice(0).forEach((c) => c.destroy());
  scope.add(() => {
    alive = false;
    dropCharts();
  });
  const today = new Date();
  const from = h("input", { id: "report-from", type: "date", "data-testid": "report-from", value: isoDate(new Date(today.getTime() - 29 * 86_400_000)) });
  const to = h("input", { id: "report-to", type: "date", "data-testid": "report-to", value: isoDate(today) });
  const by = h("select", { id: "report-by", "data-testid": "report-by" }, BREAKDOWNS.map((b) => h("option", { value: b }, t(`reports.by.${b}` as Key))));
  const csv = h("a", { class: "btn", "data-testid": "report-csv", download: "" }, t("reports.csv"));
  const help = h("p", { class: "muted", "data-testid": "report-help" });
  const body = h("div", { "data-testid": "report-body" });
  const syncCsv = () => (csv.href = reportsApi.csvUrl(from.value, to.value));
  const load = (): void => {
    syncCsv();
    dropCharts();
    replace(body, h("p", { class: "muted" }, t("reports.loading")));
    void reportsApi
      .summary(from.value, to.value, by.value as Breakdown)
      .then((report) => {
        if (!alive) return;
        help.textContent = t("reports.help", { zone: report.timeZone, days: num(report.fcrWindowDays) });
        render(report);
      })
      .catch((err) => alive && replace(body, h("div", { class: "form-error", role: "alert", "data-testid": "report-error" }, reason(err))));
  };
  const render = (report: ReportSummary): void => {
    if (report.total.conversations === 0) {
      replace(body, h("p", { class: "empty-state", "data-testid": "report-empty" }, t("reports.empty")));
      return;
    }
    const daily = h("canvas", { "aria-label": t("reports.daily"), role: "img" });
    const bars = h("canvas", { "aria-label": t("reports.breakdown"), role: "img" });
    replace(
      body,
      headline(report.total),
      h("div", { class: "report-charts" },
        h("section", { class: "report-chart" }, h("h3", null, t("reports.daily")), h("div", { class: "chart-box" }, daily)),
        h("section", { class: "report-chart" }, h("h3", null, t("reports.breakdown")), h("div", { class: "chart-box" }, bars))),
      breakdownTable(report),
    );
    const rtl = document.documentElement.dir === "rtl";
    charts.push(
      new Chart(daily, {
        type: "line",
        data: {
          labels: report.days.map((d) => d.date),
          datasets: [
            { label: t("reports.conversations"), data: report.days.map((d) => d.figures.conversations), borderColor: "#2563eb", backgroundColor: "#2563eb" },
            { label: t("reports.resolved"), data: report.days.map((d) => d.figures.resolved), borderColor: "#16a34a", backgroundColor: "#16a34a" },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { reverse: rtl }, y: { beginAtZero: true } } },
      }),
      new Chart(bars, {
        type: "bar",
        data: {
          labels: report.groups.map((g) => g.label ?? t("reports.none")),
          datasets: [
            { label: t("reports.conversations"), data: report.groups.map((g) => g.figures.conversations), backgroundColor: "#2563eb" },
            { label: t("reports.resolved"), data: report.groups.map((g) => g.figures.resolved), backgroundColor: "#16a34a" },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { reverse: rtl }, y: { beginAtZero: true } } },
      }),
    );
  };
  const form = h(
    "form",
    { class: "form report-form", "data-testid": "report-form", onsubmit: (e: Event) => (e.preventDefault(), load()) },
    h("div", { class: "form-grid" },
      h("div", { class: "field" }, h("label", { for: "report-from" }, t("reports.from")), from),
      h("div", { class: "field" }, h("label", { for: "report-to" }, t("reports.to")), to),
      h("div", { class: "field" }, h("label", { for: "report-by" }, t("reports.by")), by)),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary", "data-testid": "report-run" }, t("reports.show")), csv),
  );
  from.addEventListener("change", syncCsv);
  to.addEventListener("change", syncCsv);
  load();
  return h("div", { class: "page admin-page", "data-testid": "reports-page" },
    h("section", { class: "panel" }, h("h2", null, t("reports.title")), help, form, body));
}

function headline(f: ReportFigures): HTMLElement {
  const card = (id: string, label: string, value: string, note?: string) =>
    h("div", { class: "report-card", "data-testid": `report-${id}` }, h("div", { class: "muted" }, label), h("strong", { class: "report-value" }, value),
      note ? h("div", { class: "muted" }, note) : null);
  return h("div", { class: "report-cards", "data-testid": "report-cards" },
    card("conversations", t("reports.conversations"), num(f.conversations)),
    card("resolved", t("reports.resolved"), num(f.resolved)),
    card("frt", t("reports.frt"), duration(f.firstResponse.averageSeconds), t("reports.frtBusiness") + ": " + duration(f.firstResponseBusiness.averageSeconds)),
    card("aht", t("reports.aht"), duration(f.handleTime.averageSeconds)),
    card("fcr", t("reports.fcr"), percent(f.fcr.rate), t("reports.fcrProvisional", { n: num(f.fcr.provisional) })),
    card("sla", t("reports.sla"), percent(f.sla.compliance)),
    card("same-day", t("reports.sameDay"), percent(f.sameDayRate)),
    card("complaint", t("reports.complaint"), duration(f.complaintToResolution.averageSeconds)),
    card("per-agent-day", t("reports.perAgentDay"), plain(f.contactsPerAgentPerDay)),
    card("csat", t("reports.csat"), percent(f.csat.score)),
    card("nps", t("reports.nps"), plain(f.nps.score)),
    card("ces", t("reports.ces"), plain(f.ces.score)),
  );
}

function breakdownTable(report: ReportSummary): HTMLElement {
  const cols: [Key, (f: ReportFigures) => string][] = [
    ["reports.conversations", (f) => num(f.conversations)],
    ["reports.resolved", (f) => num(f.resolved)],
    ["reports.frt", (f) => duration(f.firstResponse.averageSeconds)],
    ["reports.aht", (f) => duration(f.handleTime.averageSeconds)],
    ["reports.fcr", (f) => percent(f.fcr.rate)],
    ["reports.sla", (f) => percent(f.sla.compliance)],
    ["reports.sameDay", (f) => percent(f.sameDayRate)],
    ["reports.csat", (f) => percent(f.csat.score)],
  ];
  return h("div", { class: "table-wrap" }, h("table", { class: "table", "data-testid": "report-table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t(`reports.by.${report.by}` as Key)), cols.map(([k]) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, report.groups.map((g) => {
      const name = h("td", { dir: "auto" });
      name.textContent = g.label ?? t("reports.none");
      return h("tr", { "data-testid": "report-row", "data-key": g.key ?? "" }, name, cols.map(([, value]) => h("td", null, value(g.figures))));
    }))));
}
