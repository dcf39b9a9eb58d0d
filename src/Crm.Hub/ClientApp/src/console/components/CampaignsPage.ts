// Campaigns (marketers, supervisors, admins): the list with each campaign's live progress, a form that checks a draft
// as a launch would (template errors with line and column, audience size, pace, schedule) and launches it, and the detail
// with the live counters, pause / resume / cancel, the delivery funnel chart, failures by reason and the recipients CSV.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { problemText } from "../api";
import { audienceApi, campaignAudience } from "../audienceApi";
import { campaignsApi, type CampaignCounters, type CampaignInput, type CampaignProgressPush, type CampaignState, type CampaignSummary, type CampaignView } from "../campaignsApi";
import { num, t, when, type Key } from "../i18n";
import { navigate } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { templatesApi, type SavedTemplate } from "../templatesApi";
import { h, replace } from "../../shared/h";
import { clearErrors, field, showErrors } from "./forms";
import "./CampaignsPage.css";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const ACTIVE: CampaignState[] = ["scheduled", "running", "paused"];
/** The audience picker's "Upload a CSV…" entry: not a segment, a way to the import. */
const UPLOAD_CSV = "upload-csv";

export function CampaignsPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const list = h("div", { "data-testid": "campaigns-list" }, h("p", { class: "muted" }, t("campaigns.loading")));
  const detail = h("div", { "data-testid": "campaign-detail" });
  let detailScope: Scope | null = null;
  const bars = new Map<string, (c: CampaignCounters, state: CampaignState) => void>();

  const load = (): void =>
    void campaignsApi
      .list()
      .then(async (all) => {
        if (!alive) return;
        bars.clear();
        if (!all.length) return replace(list, h("p", { class: "empty-state", "data-testid": "campaigns-empty" }, t("campaigns.empty")));
        replace(list, CampaignTable(all, open, bars));
        // Counters of the campaigns still moving: one read each, then pushes keep them current.
        for (const c of all.filter((c) => ACTIVE.includes(c.state) || c.state === "completed").slice(0, 20)) {
          const view = await campaignsApi.get(c.id).catch(() => null);
          if (alive && view) bars.get(view.id)?.(view.counters, view.state);
        }
      })
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  const open = (id: string): void => {
    detailScope?.dispose();
    detailScope = scope.child();
    replace(detail, CampaignDetail(detailScope, id, load));
  };
  scope.add(
    store.on("campaigns", (json) => {
      if (!json) return;
      const push = JSON.parse(json) as CampaignProgressPush;
      bars.get(push.campaignId)?.(push.counters, push.state);
    }),
  );

  const add = h("button", { type: "button", class: "btn btn-primary", "data-testid": "campaign-add" }, t("campaigns.add"));
  const openForm = (segmentId: string | null): void => {
    detailScope?.dispose();
    detailScope = scope.child();
    replace(detail, CampaignForm(detailScope, (created) => {
      load();
      open(created.id);
    }, () => replace(detail), segmentId));
    detail.querySelector<HTMLInputElement>("input")?.focus();
  };
  add.addEventListener("click", () => openForm(null));
  load();
  // Arrived from an import's "Use as campaign audience": a new campaign with that segment chosen.
  const handed = campaignAudience.take();
  if (handed) openForm(handed);
  return h(
    "div",
    { class: "page admin-page", "data-testid": "campaigns-page" },
    h("section", { class: "panel" }, h("div", { class: "panel-head" }, h("h2", null, t("campaigns.title")), add), h("p", { class: "muted" }, t("campaigns.help")), list),
    detail,
  );
}

/** A progress bar and its counters line, updated in place. */
function Progress(testId: string): { el: HTMLElement; show: (c: CampaignCounters, state: CampaignState) => void } {
  const fill = h("div", { class: "import-bar-fill" });
  const bar = h("div", { class: "import-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "data-testid": testId, "data-percent": "0" }, fill);
  const text = h("div", { class: "muted small", role: "status", "aria-live": "polite", "data-testid": `${testId}-text` });
  return {
    el: h("div", { class: "campaign-progress" }, bar, text),
    show: (c, state) => {
      const percent = Math.floor(c.percent);
      fill.style.inlineSize = `${percent}%`;
      bar.setAttribute("aria-valuenow", String(percent));
      bar.dataset.percent = String(percent);
      bar.dataset.status = state === "completed" && percent === 100 ? "completed" : state;
      // Before the first send every pending message is rendered; a big run shows that step instead of a bar stuck at 0.
      const unrendered = c.pending - c.prepared;
      text.textContent = unrendered > 0 && state === "running"
        ? t("campaigns.preparing", { done: num(c.total - unrendered), total: num(c.total) })
        : t("campaigns.progress", { percent: num(percent), sent: num(c.sent), total: num(c.total), failed: num(c.failed), suppressed: num(c.suppressed) });
    },
  };
}

function CampaignTable(all: CampaignSummary[], open: (id: string) => void, bars: Map<string, (c: CampaignCounters, s: CampaignState) => void>): HTMLElement {
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, ...(["name", "channel", "state", "progress", "launched"] as const).map((k) => h("th", { scope: "col" }, t(`campaigns.col.${k}`))))),
    h(
      "tbody",
      null,
      all.map((c) => {
        const name = h("button", { type: "button", class: "link-button", dir: "auto", "data-testid": "campaign-open" });
        name.textContent = c.name;
        name.addEventListener("click", () => open(c.id));
        const state = h("span", { class: `badge state-${c.state}`, "data-testid": "campaign-state" }, t(`campaigns.state.${c.state}` as Key));
        const progress = Progress("campaign-row-progress");
        bars.set(c.id, (counters, s) => {
          progress.show(counters, s);
          state.className = `badge state-${s}`;
          state.textContent = t(`campaigns.state.${s}` as Key);
        });
        return h("tr", { "data-testid": "campaign-row", "data-name": c.name }, h("td", null, name), h("td", null, c.channel), h("td", null, state), h("td", null, progress.el), h("td", null, when(c.launchedAt)));
      }),
    ),
  );
}

function CampaignDetail(scope: Scope, id: string, reloadList: () => void): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const title = h("h2", { dir: "auto" });
  const state = h("span", { class: "badge", "data-testid": "campaign-detail-state" });
  const progress = Progress("campaign-progress");
  const counters = h("dl", { class: "campaign-counters", "data-testid": "campaign-counters" });
  const actions = h("div", { class: "form-actions" });
  const report = h("div", { "data-testid": "campaign-report" });
  const canvas = h("canvas", { "aria-label": t("campaigns.funnel"), role: "img" });
  let chart: Chart | null = null;
  scope.add(() => chart?.destroy());
  let current: CampaignView | null = null;
  let reportTimer = 0;
  scope.add(() => clearTimeout(reportTimer));

  const showCounters = (c: CampaignCounters, s: CampaignState): void => {
    progress.show(c, s);
    state.textContent = t(`campaigns.state.${s}` as Key);
    state.className = `badge state-${s}`;
    state.dataset.state = s;
    const items: [Key, number][] = [
      ["campaigns.count.total", c.total], ["campaigns.count.queued", c.queued], ["campaigns.count.sent", c.sent], ["campaigns.count.delivered", c.delivered],
      ["campaigns.count.failed", c.failed], ["campaigns.count.suppressed", c.suppressed], ["campaigns.count.unknown", c.unknown],
      ["campaigns.count.replied", c.replied], ["campaigns.count.optedOut", c.optedOut],
    ];
    replace(counters, items.map(([k, n]) => h("div", null, h("dt", null, t(k)), h("dd", { "data-testid": `count-${k.split(".").pop()}` }, num(n)))));
    if (current && current.state !== s) {
      current.state = s;
      renderActions();
      reloadList();
    }
    clearTimeout(reportTimer);
    reportTimer = window.setTimeout(loadReport, 500);
  };

  const act = (label: Key, testId: string, call: () => Promise<CampaignView>): HTMLElement => {
    const button = h("button", { type: "button", class: "btn", "data-testid": testId }, t(label));
    button.addEventListener("click", async () => {
      if (testId === "campaign-cancel" && !confirm(t("campaigns.confirmCancel"))) return;
      button.disabled = true;
      try {
        const view = await call();
        current = view;
        showCounters(view.counters, view.state);
        renderActions();
        reloadList();
      } catch (err) {
        store.notify(problemText(err));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };
  const renderActions = (): void => {
    if (!current) return;
    const s = current.state;
    const csv = h("a", { class: "btn", href: `/api/v1/campaigns/${id}/recipients.csv`, download: "", "data-testid": "campaign-csv" }, t("campaigns.csv"));
    replace(
      actions,
      s === "draft" && act("campaigns.launch", "campaign-launch", () => campaignsApi.launch(id)),
      (s === "running" || s === "scheduled") && act("campaigns.pause", "campaign-pause", () => campaignsApi.pause(id)),
      s === "paused" && act("campaigns.resume", "campaign-resume", () => campaignsApi.resume(id)),
      ACTIVE.includes(s) && act("campaigns.cancel", "campaign-cancel", () => campaignsApi.cancel(id)),
      s !== "draft" && csv,
    );
  };
  const loadReport = (): void =>
    void campaignsApi.report(id).then((r) => {
      if (!alive) return;
      const labels = r.funnel.map((f) => t(`campaigns.funnel.${f.step}` as Key) || f.step);
      const data = r.funnel.map((f) => f.count);
      if (chart) {
        chart.data.labels = labels;
        chart.data.datasets[0]!.data = data;
        chart.update("none");
      } else {
        chart = new Chart(canvas, {
          type: "bar",
          data: { labels, datasets: [{ label: t("campaigns.funnel"), data, backgroundColor: "#4f7cff" }] },
          options: { indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
        });
      }
      replace(
        report,
        r.failures.length
          ? h("table", { class: "table", "data-testid": "campaign-failures" },
              h("thead", null, h("tr", null, h("th", { scope: "col" }, t("campaigns.reason")), h("th", { scope: "col" }, t("campaigns.recipients")))),
              h("tbody", null, r.failures.map((f) => {
                const reason = h("td", { dir: "auto" });
                reason.textContent = f.reason;
                return h("tr", null, reason, h("td", null, num(f.count)));
              })))
          : h("p", { class: "muted" }, t("campaigns.noFailures")),
        h("p", { class: "muted", "data-testid": "campaign-conversations" }, t("campaigns.conversationsOpened", { n: num(r.conversationsOpened) })),
      );
    }, () => undefined);

  scope.add(
    store.on("campaigns", (json) => {
      if (!json) return;
      const push = JSON.parse(json) as CampaignProgressPush;
      if (push.campaignId === id) showCounters(push.counters, push.state);
    }),
  );
  void campaignsApi.get(id).then((view) => {
    if (!alive) return;
    current = view;
    title.textContent = view.name;
    showCounters(view.counters, view.state);
    renderActions();
  }, (err) => alive && replace(report, h("div", { class: "form-error" }, problemText(err))));

  return h(
    "section",
    { class: "panel campaign-detail" },
    h("div", { class: "panel-head" }, title, state),
    progress.el,
    counters,
    actions,
    h("h3", null, t("campaigns.funnel")),
    h("div", { class: "campaign-funnel" }, canvas),
    report,
  );
}

function CampaignForm(scope: Scope, created: (view: CampaignView) => void, cancel: () => void, preselect: string | null = null): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  let saved: SavedTemplate[] = [];
  const name = h("input", { id: "cmp-name", "data-testid": "campaign-name", maxlength: 200, dir: "auto", required: true });
  const channel = h("select", { id: "cmp-channel", "data-testid": "campaign-channel" }, ["sms", "email", "telegram", "fax"].map((c) => h("option", { value: c }, t(`templates.channel.${c}` as Key))));
  const segment = h("select", { id: "cmp-segment", "data-testid": "campaign-segment" }, h("option", { value: "" }, t("campaigns.pickSegment")));
  const template = h("select", { id: "cmp-template", "data-testid": "campaign-template" }, h("option", { value: "" }, t("campaigns.ownText")));
  const bodyEn = h("textarea", { id: "cmp-body-en", "data-testid": "campaign-body-en", rows: 4, dir: "ltr" });
  const bodyFa = h("textarea", { id: "cmp-body-fa", "data-testid": "campaign-body-fa", rows: 4, dir: "rtl" });
  const subjectEn = h("input", { id: "cmp-subject-en", "data-testid": "campaign-subject-en", dir: "ltr" });
  const subjectFa = h("input", { id: "cmp-subject-fa", "data-testid": "campaign-subject-fa", dir: "rtl" });
  const scheduleKind = h("select", { id: "cmp-when", "data-testid": "campaign-when" }, (["now", "at", "recurring"] as const).map((k) => h("option", { value: k }, t(`campaigns.when.${k}`))));
  const at = h("input", { id: "cmp-at", type: "datetime-local", "data-testid": "campaign-at" });
  const cron = h("input", { id: "cmp-cron", "data-testid": "campaign-cron", placeholder: "0 0 10 ? * MON", dir: "ltr" });
  const pace = h("input", { id: "cmp-pace", type: "number", min: "0.01", step: "any", value: "1", "data-testid": "campaign-pace" });
  const quietStart = h("input", { id: "cmp-quiet-start", type: "time", "data-testid": "campaign-quiet-start" });
  const quietEnd = h("input", { id: "cmp-quiet-end", type: "time", "data-testid": "campaign-quiet-end" });
  const audience = h("p", { class: "muted", role: "status", "aria-live": "polite", "data-testid": "campaign-audience" });
  const formError = h("div", { class: "form-error", hidden: true, role: "alert", "data-testid": "campaign-form-error" });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const f = {
    name: field("cmp-name", t("campaigns.name"), name),
    channel: field("cmp-channel", t("templates.channel"), channel),
    segmentId: field("cmp-segment", t("campaigns.segment"), segment),
    template: field("cmp-template", t("campaigns.template"), template),
    bodyEn: field("cmp-body-en", t("campaigns.bodyEn"), bodyEn),
    bodyFa: field("cmp-body-fa", t("campaigns.bodyFa"), bodyFa),
    subjectEn: field("cmp-subject-en", t("campaigns.subjectEn"), subjectEn),
    subjectFa: field("cmp-subject-fa", t("campaigns.subjectFa"), subjectFa),
    schedule: field("cmp-when", t("campaigns.when"), scheduleKind),
    at: field("cmp-at", t("campaigns.at"), at),
    cron: field("cmp-cron", t("campaigns.cron"), cron),
    pace: field("cmp-pace", t("campaigns.pace"), pace),
    quietHours: field("cmp-quiet-start", t("campaigns.quietStart"), quietStart),
    quietEnd: field("cmp-quiet-end", t("campaigns.quietEnd"), quietEnd),
  };
  // The most specific names first: an error's key is matched to the first slot it names or starts with.
  const slots: Record<string, HTMLElement> = {
    "template.bodyEn": f.bodyEn.error, "template.bodyFa": f.bodyFa.error, "template.subjectEn": f.subjectEn.error, "template.subjectFa": f.subjectFa.error,
    "schedule.at": f.at.error, "schedule.cron": f.cron.error,
    ...Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.error])),
  };

  const sync = (): void => {
    const email = channel.value === "email";
    f.subjectEn.el.hidden = !email;
    f.subjectFa.el.hidden = !email;
    f.at.el.hidden = scheduleKind.value !== "at";
    f.cron.el.hidden = scheduleKind.value !== "recurring";
  };
  channel.addEventListener("change", sync);
  scheduleKind.addEventListener("change", sync);
  template.addEventListener("change", () => {
    const picked = saved.find((s) => s.id === template.value);
    if (!picked) return;
    channel.value = picked.channel;
    bodyEn.value = picked.locales.en?.body ?? "";
    bodyFa.value = picked.locales.fa?.body ?? "";
    subjectEn.value = picked.locales.en?.subject ?? "";
    subjectFa.value = picked.locales.fa?.subject ?? "";
    sync();
  });
  void audienceApi.segments().then((all) => {
    if (!alive) return;
    segment.append(...all.map((s) => {
      const o = h("option", { value: s.id });
      o.textContent = s.name;
      return o;
    }), h("option", { value: UPLOAD_CSV, "data-testid": "campaign-segment-upload" }, t("campaigns.uploadCsv")));
    if (preselect && all.some((s) => s.id === preselect)) segment.value = preselect;
  }, () => undefined);
  // "Upload a CSV…" is the import on the Audience page; its report offers the file's contacts back as this form's audience.
  segment.addEventListener("change", () => {
    if (segment.value !== UPLOAD_CSV) return;
    segment.value = "";
    navigate({ page: "audience" });
    requestAnimationFrame(() => document.querySelector<HTMLElement>("[data-testid=contact-import]")?.scrollIntoView({ block: "start" }));
  });
  void templatesApi.saved().then((all) => {
    if (!alive) return;
    saved = all;
    template.append(...all.map((s) => {
      const o = h("option", { value: s.id });
      o.textContent = s.name;
      return o;
    }));
  }, () => undefined);

  const input = (): CampaignInput => {
    const email = channel.value === "email";
    return {
      name: name.value.trim(),
      channel: channel.value,
      sender: null,
      segmentId: segment.value || null,
      template: {
        key: null,
        syntax: saved.find((s) => s.id === template.value)?.syntax ?? "scriban",
        bodyEn: bodyEn.value.trim() ? bodyEn.value : null,
        bodyFa: bodyFa.value.trim() ? bodyFa.value : null,
        subjectEn: email && subjectEn.value.trim() ? subjectEn.value : null,
        subjectFa: email && subjectFa.value.trim() ? subjectFa.value : null,
      },
      schedule: {
        kind: scheduleKind.value as "now" | "at" | "recurring",
        at: scheduleKind.value === "at" && at.value ? new Date(at.value).toISOString() : null,
        cron: scheduleKind.value === "recurring" ? cron.value.trim() || null : null,
        timeZone: scheduleKind.value === "recurring" ? zone : null,
      },
      pace: pace.value ? Number(pace.value) : null,
      quietHours: quietStart.value && quietEnd.value ? { start: quietStart.value, end: quietEnd.value } : null,
      defaultTimeZone: zone,
    };
  };

  const check = h("button", { type: "button", class: "btn", "data-testid": "campaign-check" }, t("campaigns.check"));
  check.addEventListener("click", async () => {
    clearErrors(slots, formError);
    try {
      const v = await campaignsApi.validate(input());
      audience.textContent = t("campaigns.audience", { n: num(v.audienceCount) });
    } catch (err) {
      showErrors(err, slots, formError);
    }
  });
  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "campaign-save" }, t("campaigns.saveDraft"));
  const back = h("button", { type: "button", class: "btn", "data-testid": "campaign-form-cancel" }, t("campaigns.close"));
  back.addEventListener("click", cancel);
  const form = h(
    "form",
    { class: "panel campaign-form", novalidate: true, "data-testid": "campaign-form" },
    h("h2", null, t("campaigns.new")),
    h("div", { class: "form-grid" }, f.name.el, f.channel.el, f.segmentId.el, f.template.el),
    h("div", { class: "form-grid" }, f.subjectEn.el, f.subjectFa.el),
    h("div", { class: "form-grid" }, f.bodyEn.el, f.bodyFa.el),
    h("p", { class: "muted small" }, t("templates.variables")),
    h("div", { class: "form-grid" }, f.schedule.el, f.at.el, f.cron.el, f.pace.el, f.quietHours.el, f.quietEnd.el),
    h("p", { class: "muted small" }, t("campaigns.quietHelp", { zone })),
    audience,
    formError,
    h("div", { class: "form-actions" }, save, " ", check, " ", back),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(slots, formError);
    save.disabled = true;
    try {
      created(await campaignsApi.create(input()));
    } catch (err) {
      showErrors(err, slots, formError);
    } finally {
      save.disabled = false;
    }
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") cancel();
  });
  sync();
  return form;
}
