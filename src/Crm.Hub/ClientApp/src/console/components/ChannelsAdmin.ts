// Admin → Channels: per channel whether it is on, the webhook URLs to paste into the provider's console (with a
// copy button), last inbound and last error, the settings form (secrets write-only), and "Send test message".
import { api, ApiError, problemText } from "../api";
import { fullTime, num, t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { h, replace } from "../../shared/h";
import type { Channel } from "../types";
import { ChannelBadge } from "./ChannelBadge";

export interface ChannelSettingValue {
  key: string;
  label: string;
  secret: boolean;
  required: boolean;
  hint: string | null;
  value: string | null;
  isSet: boolean;
  source: "admin" | "configuration" | "default";
}

export interface ChannelStatus {
  channel: Channel;
  configured: boolean;
  webhookUrls: string[];
  settings: ChannelSettingValue[];
  lastInboundAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  pendingSends: number;
  failedSends: number;
  /** Email only: what the mailbox watcher last saw. */
  mailbox?: {
    state: string;
    idle: boolean;
    lastSyncAt: string | null;
    pending: number;
    lagSeconds: number | null;
    lastError: string | null;
    lastErrorAt: string | null;
    quarantined: number;
  } | null;
}

export interface ConnectionReport {
  ok: boolean;
  steps: { server: string; step: string; ok: boolean; detail: string; milliseconds: number }[];
}

export function ChannelsAdmin(scope: Scope): HTMLElement {
  const root = h("section", { class: "panel", "data-testid": "channels-admin" }, h("h2", null, t("channels.title")), h("div", { class: "muted" }, t("channels.loading")));
  let alive = true;
  scope.add(() => (alive = false));
  const load = () =>
    api
      .channels()
      .then((list) => alive && replace(root, h("h2", null, t("channels.title")), h("div", { class: "channel-cards" }, list.map((c) => card(c, load)))))
      .catch((err) => alive && replace(root, h("h2", null, t("channels.title")), h("div", { class: "form-error" }, problemText(err))));
  void load();
  return root;
}

function card(c: ChannelStatus, reload: () => void): HTMLElement {
  const status = h("span", { class: `badge ${c.configured ? "badge-ok" : ""}`, "data-testid": `channel-state-${c.channel}` }, c.configured ? t("channels.on") : t("channels.off"));
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", null, t("channels.lastInbound")),
    h("dd", null, c.lastInboundAt ? h("time", { datetime: c.lastInboundAt, title: fullTime(c.lastInboundAt) }, when(c.lastInboundAt)) : t("channels.never")),
    h("dt", null, t("channels.outbox")),
    h("dd", null, t("channels.outboxCounts", { pending: num(c.pendingSends), failed: num(c.failedSends) })),
    c.mailbox ? mailboxFacts(c.mailbox) : null,
    c.lastError ? [h("dt", null, t("channels.lastError")), h("dd", { class: "form-error", dir: "auto" }, text(c.lastError), c.lastErrorAt ? [" · ", h("time", { datetime: c.lastErrorAt, title: fullTime(c.lastErrorAt) }, when(c.lastErrorAt))] : null)] : null,
  );
  const webhooks = c.webhookUrls.length
    ? h(
        "ul",
        { class: "webhooks" },
        c.webhookUrls.map((url) => {
          const copy = h("button", { type: "button", class: "btn btn-small" }, t("channels.copy"));
          copy.addEventListener("click", () => void navigator.clipboard?.writeText(url).then(() => (copy.textContent = t("channels.copied"))));
          return h("li", null, h("code", { dir: "ltr" }, url), copy);
        }),
      )
    : h("p", { class: "muted" }, t("channels.noWebhook"));
  return h(
    "article",
    { class: "channel-card", "data-testid": `channel-card-${c.channel}`, "data-configured": String(c.configured) },
    h("header", { class: "channel-card-head" }, ChannelBadge(c.channel), h("strong", null, t(`channel.${c.channel}` as Key)), status),
    facts,
    h("h3", null, t("channels.webhooks")),
    webhooks,
    c.settings.length ? settingsForm(c, reload) : h("p", { class: "muted" }, t("channels.configOnly")),
    c.channel === "webchat" ? null : testForm(c),
    c.channel === "email" && c.configured ? EmailQuarantine() : null,
  );
}

function mailboxFacts(m: NonNullable<ChannelStatus["mailbox"]>): HTMLElement[] {
  const state = h("span", { class: `badge ${m.state === "connected" ? "badge-ok" : m.state === "error" ? "badge-bad" : ""}`, "data-testid": "mailbox-state" },
    t(`mailbox.state.${m.state}` as Key));
  return [
    h("dt", null, t("mailbox.title")),
    h("dd", null, state, m.state === "connected" ? [" ", h("span", { class: "muted" }, t(m.idle ? "mailbox.idle" : "mailbox.polling"))] : null),
    h("dt", null, t("mailbox.lastSync")),
    h("dd", null, m.lastSyncAt ? h("time", { datetime: m.lastSyncAt, title: fullTime(m.lastSyncAt) }, when(m.lastSyncAt)) : t("channels.never")),
    h("dt", null, t("mailbox.backlog")),
    h("dd", { "data-testid": "mailbox-backlog" }, m.pending > 0
      ? t("mailbox.pending", { n: num(m.pending), lag: num(Math.round(m.lagSeconds ?? 0)) })
      : t("mailbox.upToDate")),
    m.lastError ? [h("dt", null, t("mailbox.lastError")), h("dd", { class: "form-error", dir: "auto" }, text(m.lastError))] : null,
    h("dt", null, t("mailbox.quarantined")),
    h("dd", { "data-testid": "mailbox-quarantined" }, num(m.quarantined)),
  ].flat().filter((x): x is HTMLElement => x !== null);
}

/** Mail the hub could not store as a message: why, the raw .eml, retry after a fix, or dismiss. */
function EmailQuarantine(): HTMLElement {
  const body = h("div", { class: "muted" }, t("channels.loading"));
  const root = h("section", { class: "quarantine", "data-testid": "email-quarantine" }, h("h3", null, t("quarantine.title")), body);
  const load = () =>
    api.quarantine().then((page) => {
      if (page.items.length === 0) {
        replace(body, h("p", { class: "empty-state", "data-testid": "quarantine-empty" }, t("quarantine.empty")));
        return;
      }
      replace(body, h("table", { class: "table" },
        h("thead", null, h("tr", null, h("th", null, t("quarantine.when")), h("th", null, t("quarantine.from")), h("th", null, t("email.subject")),
          h("th", null, t("quarantine.reason")), h("th", null, ""))),
        h("tbody", null, page.items.map((q) => {
          const retry = h("button", { type: "button", class: "btn btn-small" }, t("quarantine.retry"));
          retry.addEventListener("click", () => void api.retryQuarantined(q.id).then(load).catch((err) => (retry.title = problemText(err))));
          const dismiss = h("button", { type: "button", class: "btn btn-small" }, t("quarantine.dismiss"));
          dismiss.addEventListener("click", () => void api.dismissQuarantined(q.id).then(load));
          return h("tr", { "data-testid": "quarantine-row" },
            h("td", null, h("time", { datetime: q.quarantinedAt, title: fullTime(q.quarantinedAt) }, when(q.quarantinedAt))),
            h("td", { dir: "ltr" }, text(q.from ?? "—")),
            h("td", { dir: "auto" }, text(q.subject ?? "—")),
            h("td", { dir: "auto" }, text(q.reason)),
            h("td", null, q.hasRaw ? h("a", { href: `/api/v1/admin/email/quarantine/${q.id}/raw`, download: "" }, t("quarantine.raw")) : null, " ", retry, " ", dismiss));
        }))));
    }).catch((err) => replace(body, h("div", { class: "form-error" }, problemText(err))));
  void load();
  return root;
}

function connectionReport(report: ConnectionReport): HTMLElement {
  return h("ol", { class: "connection-steps", "data-testid": "connection-report", "data-ok": String(report.ok) },
    report.steps.map((s) => h("li", { class: s.ok ? "step-ok" : "step-failed", "data-testid": `connection-step-${s.server}-${s.step}` },
      h("span", { "aria-hidden": "true" }, s.ok ? "✓ " : "✗ "),
      h("strong", null, `${s.server.toUpperCase()} · ${t(`mailbox.step.${s.step}` as Key)}: `),
      text(s.detail))));
}

function settingsForm(c: ChannelStatus, reload: () => void): HTMLElement {
  const inputs = c.settings.map((s) => {
    const id = `ch-${c.channel}-${s.key}`;
    const input = h("input", {
      id,
      name: s.key,
      type: s.secret ? "password" : "text",
      autocomplete: "off",
      dir: "ltr",
      placeholder: s.secret ? (s.isSet ? t("channels.secretSet") : s.hint ?? "") : s.hint ?? "",
      value: s.secret ? "" : s.value ?? "",
    });
    const source = h("span", { class: "muted" }, t(`channels.source.${s.source}` as Key));
    const fieldError = h("div", { class: "field-error", id: `${id}-error`, "data-testid": `channel-field-error-${c.channel}-${s.key}` });
    input.setAttribute("aria-describedby", fieldError.id);
    return { s, input, fieldError, el: h("div", { class: "field" }, h("label", { for: id }, s.label, s.required ? " *" : "", " ", source), input, fieldError) };
  });
  const error = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": `channel-error-${c.channel}` });
  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": `channel-save-${c.channel}` }, t("channels.save"));
  const collect = (): Record<string, string | null> => {
    const values: Record<string, string | null> = {};
    for (const { s, input } of inputs) {
      const v = input.value.trim();
      if (s.secret) {
        if (v) values[s.key] = v;
      } else if (v !== (s.value ?? "")) {
        values[s.key] = v === "" ? null : v;
      }
    }
    return values;
  };
  // Email: try the settings as typed, before saving them, and see which step fails.
  const report = h("div", { role: "status", "aria-live": "polite", "data-testid": "connection-result" });
  const probe = c.channel === "email"
    ? h("button", { type: "button", class: "btn", "data-testid": "email-connection-test" }, t("mailbox.testConnection"))
    : null;
  probe?.addEventListener("click", async () => {
    probe.disabled = true;
    replace(report, h("span", { class: "muted" }, t("channels.testing")));
    try {
      replace(report, connectionReport(await api.emailConnectionTest(collect())));
    } catch (err) {
      replace(report, h("div", { class: "form-error" }, problemText(err)));
    } finally {
      probe.disabled = false;
    }
  });
  return h(
    "form",
    {
      class: "form",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const values = collect();
        save.disabled = true;
        for (const { input, fieldError } of inputs) {
          fieldError.textContent = "";
          input.removeAttribute("aria-invalid");
        }
        try {
          await api.saveChannelSettings(c.channel, values);
          error.hidden = true;
          reload();
        } catch (err) {
          // The 400 names each failing setting by its key; what is about the channel as a whole goes above Save.
          const rest: string[] = [];
          let first: HTMLInputElement | null = null;
          for (const [key, messages] of Object.entries(err instanceof ApiError ? (err.problem.errors ?? {}) : {})) {
            const field = inputs.find((i) => i.s.key.toLowerCase() === key.toLowerCase());
            if (!field) {
              rest.push(...messages);
              continue;
            }
            field.fieldError.textContent = messages.join(" ");
            field.input.setAttribute("aria-invalid", "true");
            first ??= field.input;
          }
          error.textContent = rest.length ? rest.join(" ") : first ? t("channels.fixFields") : problemText(err);
          error.hidden = false;
          first?.focus();
        } finally {
          save.disabled = false;
        }
      },
    },
    h("details", { open: !c.configured }, h("summary", null, t("channels.settings")), h("div", { class: "form-grid" }, inputs.map((i) => i.el)), error,
      h("div", { class: "form-actions" }, save, probe), report),
  );
}

function testForm(c: ChannelStatus): HTMLElement {
  const to = h("input", { type: "text", dir: "ltr", class: "input", "aria-label": t("channels.testTo"), placeholder: c.channel === "telegram" ? t("channels.testChatId") : c.channel === "email" ? "someone@example.com" : "+15551234567" });
  const body = h("input", { type: "text", dir: "auto", class: "input", "aria-label": t("channels.testBody"), placeholder: t("channels.testBody") });
  const result = h("div", { role: "status", "data-testid": `channel-test-result-${c.channel}` });
  const send = h("button", { type: "submit", class: "btn", "data-testid": `channel-test-${c.channel}`, disabled: !c.configured }, t("channels.test"));
  return h(
    "form",
    {
      class: "form form-inline channel-test",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        send.disabled = true;
        result.textContent = t("channels.testing");
        try {
          const r = await api.testChannel(c.channel, to.value.trim(), body.value.trim());
          result.className = r.outcome === "sent" ? "form-success" : "form-error";
          result.textContent = r.outcome === "sent" ? t("channels.testSent", { id: r.providerMessageId ?? "" }) : t("channels.testFailed", { reason: r.error ?? r.outcome });
        } catch (err) {
          result.className = "form-error";
          result.textContent = problemText(err);
        } finally {
          send.disabled = !c.configured;
        }
      },
    },
    to,
    body,
    send,
    result,
  );
}

function text(value: string): HTMLElement {
  const el = h("span");
  el.textContent = value;
  return el;
}
