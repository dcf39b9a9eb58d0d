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
    c.settings.length ? settingsForm(c, reload) : h("p", { class: "muted" }, t(c.channel === "email" ? "channels.notAvailable" : "channels.configOnly")),
    c.channel === "webchat" || c.channel === "email" ? null : testForm(c),
  );
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
  return h(
    "form",
    {
      class: "form",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const values: Record<string, string | null> = {};
        for (const { s, input } of inputs) {
          const v = input.value.trim();
          if (s.secret) {
            if (v) values[s.key] = v;
          } else if (v !== (s.value ?? "")) {
            values[s.key] = v === "" ? null : v;
          }
        }
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
    h("details", { open: !c.configured }, h("summary", null, t("channels.settings")), h("div", { class: "form-grid" }, inputs.map((i) => i.el)), error, save),
  );
}

function testForm(c: ChannelStatus): HTMLElement {
  const to = h("input", { type: "text", dir: "ltr", class: "input", "aria-label": t("channels.testTo"), placeholder: c.channel === "telegram" ? t("channels.testChatId") : "+15551234567" });
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
