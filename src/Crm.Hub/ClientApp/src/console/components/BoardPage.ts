// The supervisor's live board (/app/board): today's headline tiles with hourly sparklines, queues, channels, agents,
// channel health and alerts, pushed over /hubs/supervisor. Any count opens the conversations behind it.
import { CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement } from "chart.js";
import { fullTime, num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { SupervisorHub } from "../supervisorHub";
import type { BoardAgentRow, BoardFigure, BoardHeadline, BoardScopeRow, BoardSnapshot, ChannelHealthRow } from "../boardTypes";
import { h, replace } from "../../shared/h";
import { BoardDrillDown } from "./BoardDrillDown";
import { duration } from "./boardFormat";
import "./BoardPage.css";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

const percent = (v: number | null | undefined) => (v === null || v === undefined ? t("board.tile.none") : `${num(Math.round(v * 10) / 10)}%`);

interface Tile {
  el: HTMLElement;
  update: (h: BoardHeadline, hours: number) => void;
}

function tile(testId: string, label: Key, value: (h: BoardHeadline) => string, note?: (h: BoardHeadline) => string, series?: (h: BoardHeadline) => (number | null)[]): Tile {
  const valueEl = h("div", { class: "tile-value", "data-testid": `${testId}-value` });
  const noteEl = h("div", { class: "tile-note muted" });
  const canvas = series ? h("canvas", { "aria-label": t("board.trend"), role: "img" }) : null;
  // Chart.js sizes a responsive canvas from its container: a fixed-height box keeps it from growing with itself.
  const spark = canvas ? h("div", { class: "tile-spark" }, canvas) : null;
  const el = h("div", { class: "tile", "data-testid": testId }, h("div", { class: "tile-label" }, t(label)), valueEl, noteEl, spark);
  let chart: Chart | null = null;
  return {
    el,
    update(headline, hours) {
      valueEl.textContent = value(headline);
      noteEl.textContent = note ? note(headline) : "";
      if (!canvas || !series) return;
      const data = series(headline).slice(0, hours);
      const labels = data.map((_, i) => String(i));
      if (!chart) {
        chart = new Chart(canvas, {
          type: "line",
          data: { labels, datasets: [{ data, borderWidth: 1.5, pointRadius: 0, fill: true, tension: 0.3, spanGaps: true }] },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            plugins: { legend: { display: false }, tooltip: { enabled: false } },
            scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
          },
        });
      } else {
        chart.data.labels = labels;
        chart.data.datasets[0]!.data = data;
        chart.update("none");
      }
    },
  };
}

export function BoardPage(scope: Scope): HTMLElement {
  const status = h("div", { class: "board-status muted", role: "status", "data-testid": "board-status" }, t("board.connecting"));
  const tiles: Tile[] = [
    tile("tile-opened", "board.tile.opened", (x) => num(x.opened), undefined, (x) => x.trend.map((p) => p.opened)),
    tile("tile-resolved", "board.tile.resolved", (x) => num(x.resolved), undefined, (x) => x.trend.map((p) => p.resolved)),
    tile("tile-fcr", "board.tile.fcr", (x) => percent(x.fcrRate), (x) => (x.fcrProvisional ? t("board.tile.fcrProvisional", { n: x.fcrProvisional }) : "")),
    tile("tile-frt", "board.tile.frt", (x) => duration(x.frtMean), (x) => (x.frtP50 === null ? "" : t("board.tile.frtPercentiles", { p50: duration(x.frtP50), p95: duration(x.frtP95) })),
      (x) => x.trend.map((p) => p.frtMean)),
    tile("tile-aht", "board.tile.aht", (x) => duration(x.ahtMean)),
    tile("tile-sla", "board.tile.sla", (x) => percent(x.slaCompliance)),
    tile("tile-complaint", "board.tile.complaint", (x) => duration(x.complaintToResolutionMean)),
    tile("tile-same-day", "board.tile.sameDay", (x) => percent(x.sameDayRate)),
    tile("tile-csat", "board.tile.csat", (x) => percent(x.csat)),
    tile("tile-nps", "board.tile.nps", (x) => (x.nps === null ? t("board.tile.none") : num(Math.round(x.nps)))),
    tile("tile-ces", "board.tile.ces", (x) => (x.ces === null ? t("board.tile.none") : num(Math.round(x.ces * 10) / 10))),
  ];
  const queues = h("div", { class: "board-section-body" });
  const channels = h("div", { class: "board-section-body" });
  const agents = h("div", { class: "board-section-body" });
  const health = h("div", { class: "board-section-body" });
  const alerts = h("div", { class: "board-section-body" });
  const drill = BoardDrillDown(scope.child());

  const section = (title: Key, body: HTMLElement, testId: string) =>
    h("section", { class: "board-section", "data-testid": testId }, h("h2", null, t(title)), body);

  const page = h(
    "main",
    { id: "main", class: "board-page", "data-testid": "board-page" },
    h("div", { class: "board-head" }, h("h1", null, t("board.title")), status),
    h("section", { class: "board-tiles", "aria-label": t("board.headline") }, ...tiles.map((x) => x.el)),
    h("div", { class: "board-grid" },
      section("board.queues", queues, "board-queues"),
      section("board.channels", channels, "board-channels"),
      section("board.agents", agents, "board-agents"),
      section("board.health", health, "board-health"),
      section("board.alerts", alerts, "board-alerts")),
    drill.el,
  );

  let board: BoardSnapshot | null = null;
  const render = () => {
    if (!board) return;
    const hours = new Date().getHours() + 1;
    for (const x of tiles) x.update(board.headline, hours);
    replace(queues, scopeTable(board.queues, "queue", drill.open));
    replace(channels, scopeTable(board.channels, "channel", drill.open));
    replace(agents, agentTable(board.agents));
    replace(health, healthTable(board.health));
    replace(alerts, board.alerts.length
      ? h("ul", { class: "board-alerts" }, board.alerts.map((a) => h("li", { "data-testid": "board-alert", "data-kind": a.kind },
          h("button", { type: "button", class: "link", onclick: () => drill.conversation(a.conversationId, a.number) }, t("conv.number", { n: a.number })),
          " ", h("span", { class: "badge" }, a.kind), " ", text(a.reason), " ", h("time", { datetime: a.at, title: fullTime(a.at) }, when(a.at)))))
      : h("p", { class: "muted" }, t("board.emptyAlerts")));
  };
  let frame = 0;
  const hub = new SupervisorHub(
    (b) => {
      board = b;
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
    },
    (state) => {
      status.dataset.state = state;
      status.textContent = state === "connected" ? "" : state === "offline" ? t("board.offline") : t("board.connecting");
    },
  );
  hub.start().catch(() => { status.textContent = t("board.offline"); });
  // Waits grow with the clock: run them on between pushes.
  const tick = window.setInterval(() => {
    for (const cell of page.querySelectorAll<HTMLElement>("[data-since]")) {
      cell.textContent = duration((Date.now() - new Date(cell.dataset.since!).getTime()) / 1000);
    }
  }, 1000);
  scope.add(() => {
    window.clearInterval(tick);
    if (frame) cancelAnimationFrame(frame);
    void hub.stop();
  });
  return page;
}

function text(value: string): HTMLElement {
  const span = h("span", null);
  span.textContent = value;
  return span;
}

type Open = (figure: BoardFigure, queue: string | null, channel: string | null, scopeName: string) => void;

function scopeTable(rows: BoardScopeRow[], kind: "queue" | "channel", open: Open): HTMLElement {
  if (!rows.length) return h("p", { class: "muted" }, t("board.emptyQueues"));
  const count = (row: BoardScopeRow, figure: BoardFigure, value: number, name: string) =>
    h("td", { class: "num" }, value
      ? h("button", { type: "button", class: "link", "data-testid": `board-${figure}`, onclick: () => open(figure, kind === "queue" ? row.key : null, kind === "channel" ? row.key : null, name) }, num(value))
      : h("span", { "data-testid": `board-${figure}` }, num(0)));
  return h("table", { class: "board-table" },
    h("thead", null, h("tr", null,
      h("th", null, t(kind === "queue" ? "board.col.queue" : "board.col.channel")), h("th", null, t("board.col.waiting")), h("th", null, t("board.col.longest")),
      h("th", null, t("board.col.open")), h("th", null, t("board.col.atRisk")), h("th", null, t("board.col.breached")), h("th", null, t("board.col.tta")),
      h("th", null, t("board.col.resolved")))),
    h("tbody", null, rows.map((row) => {
      const name = kind === "queue" ? row.name || t("board.noQueue") : channelName(row.key);
      return h("tr", { "data-testid": `board-${kind}-row`, "data-key": row.key, class: row.breached ? "breached" : row.atRisk ? "at-risk" : null },
        h("th", { scope: "row" }, text(name), row.noEligibleAgent ? h("span", { class: "badge warn", "data-testid": "no-eligible" }, t("board.noEligible")) : null),
        count(row, "waiting", row.waiting, name),
        h("td", { class: "num", "data-since": row.longestWaitingSince ?? undefined }, row.longestWaitingSince ? duration(row.longestWait) : t("board.tile.none")),
        count(row, "open", row.open, name),
        count(row, "atRisk", row.atRisk, name),
        count(row, "breached", row.breached, name),
        h("td", { class: "num" }, `${duration(row.timeToAssignP50)} / ${duration(row.timeToAssignP95)}`),
        count(row, "resolved", row.resolvedToday, name));
    })));
}

function channelName(key: string): string {
  const known = ["webchat", "sms", "email", "fax", "telegram"];
  return known.includes(key) ? t(`channel.${key}` as Key) : key;
}

function agentTable(rows: BoardAgentRow[]): HTMLElement {
  if (!rows.length) return h("p", { class: "muted" }, t("board.emptyAgents"));
  return h("table", { class: "board-table" },
    h("thead", null, h("tr", null, h("th", null, t("board.col.agent")), h("th", null, t("board.col.presence")), h("th", null, t("board.col.load")),
      h("th", null, t("board.col.occupancy")))),
    h("tbody", null, rows.map((a) => {
      const share = a.capacity > 0 ? Math.min(100, (a.load / a.capacity) * 100) : a.load > 0 ? 100 : 0;
      return h("tr", { "data-testid": "board-agent-row", "data-id": a.id },
        h("th", { scope: "row" }, text(a.name)),
        h("td", null, h("span", { class: `presence-dot ${a.presence}`, "aria-hidden": "true" }), " ", h("span", { "data-testid": "board-presence" }, t(`presence.${a.presence}`))),
        h("td", null, h("div", { class: "load", title: `${num(a.load)} / ${num(a.capacity)}` },
          h("div", { class: "load-bar", role: "meter", "aria-valuenow": a.load, "aria-valuemin": 0, "aria-valuemax": a.capacity },
            h("div", { class: `load-fill${a.load >= a.capacity ? " full" : ""}`, style: { inlineSize: `${share}%` } })),
          h("span", { class: "num", "data-testid": "board-load" }, `${num(a.load)} / ${num(a.capacity)}`))),
        h("td", { class: "num" }, percent(a.occupancy)));
    })));
}

function healthTable(rows: ChannelHealthRow[]): HTMLElement {
  if (!rows.length) return h("p", { class: "muted" }, t("board.emptyHealth"));
  return h("table", { class: "board-table" },
    h("thead", null, h("tr", null, h("th", null, t("board.col.channel")), h("th", null, t("board.col.lastInbound")), h("th", null, t("board.col.errors")),
      h("th", null, t("board.col.lag")))),
    h("tbody", null, rows.map((r) => h("tr", { "data-testid": "board-health-row", "data-key": r.channel, class: r.errorsLastHour ? "at-risk" : null },
      h("th", { scope: "row" }, channelName(r.channel), r.state ? h("span", { class: "muted" }, " · ", text(r.state)) : null),
      h("td", null, r.lastInboundAt ? h("time", { datetime: r.lastInboundAt, title: fullTime(r.lastInboundAt) }, when(r.lastInboundAt)) : t("board.never")),
      h("td", { class: "num", title: r.lastError ?? "" }, num(r.errorsLastHour)),
      h("td", { class: "num" }, r.imapLag === null ? t("board.tile.none") : duration(r.imapLag))))));
}
