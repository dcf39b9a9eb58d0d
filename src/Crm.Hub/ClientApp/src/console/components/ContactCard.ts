// The right column: who the customer is, how to reach them on each channel, and every conversation
// we've had with them across channels (click one to open it).
import { api, problemText } from "../api";
import { day, t, when } from "../i18n";
import { href, navigate } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ContactView } from "../types";
import { ChannelBadge, StatusBadge } from "./ChannelBadge";
import { MergePanel } from "./MergePanel";
import { initials } from "./TopBar";
import { SurveyPanel } from "./SurveyPanel";

export function ContactCard(scope: Scope, contactId: string, currentConversationId: string): HTMLElement {
  const root = h("aside", { class: "contact-card", "data-testid": "contact-card", "aria-label": t("contact.title") }, h("div", { class: "muted" }, t("contact.loading")));
  let alive = true;
  scope.add(() => (alive = false));

  let channels = new Set<string>();
  let surveyScope: Scope | undefined;
  const load = () =>
    api
      .contact(contactId)
      .then((contact) => {
        if (!alive) return;
        channels = new Set(contact.identities.map((i) => i.channel));
        surveyScope?.dispose();
        surveyScope = scope.child();
        replace(root, ...render(contact, currentConversationId), SurveyPanel(surveyScope, contactId, currentConversationId), MergePanel(contact, load));
      })
      .catch((err) => alive && replace(root, h("div", { class: "form-error" }, problemText(err))));
  void load();
  // A message on a channel the card doesn't list means the contact just gained an identity (a fax from their number).
  scope.add(
    store.on("messages", (id) => {
      if (id !== currentConversationId || channels.size === 0) return;
      if ((store.messages.get(id) ?? []).some((m) => m.direction === "inbound" && !channels.has(m.channel))) {
        channels = new Set(); // one reload at a time
        void load();
      }
    }),
  );
  return root;
}

function text(tag: "span" | "strong" | "div" | "h2", value: string | null | undefined, cls?: string): HTMLElement {
  const el = h(tag, { class: cls ?? null, dir: "auto" });
  el.textContent = value ?? "";
  return el;
}

function render(c: ContactView, currentId: string): HTMLElement[] {
  const head = h(
    "div",
    { class: "contact-head" },
    h("span", { class: "avatar avatar-lg", "aria-hidden": "true" }, initials(c.displayName || "?")),
    h("div", null, text("h2", c.displayName, "contact-name"), h("div", { class: "muted" }, t("contact.since", { date: day(c.createdAt) }))),
  );
  const facts = h(
    "dl",
    { class: "facts" },
    c.email ? [h("dt", null, t("contact.email")), h("dd", { dir: "ltr" }, text("span", c.email))] : null,
    c.phone ? [h("dt", null, t("contact.phone")), h("dd", { dir: "ltr" }, text("span", c.phone))] : null,
  );
  const identities = h(
    "section",
    { class: "card-section" },
    h("h3", null, t("contact.identities")),
    h(
      "ul",
      { class: "identities" },
      c.identities.map((i) =>
        h(
          "li",
          { "data-testid": "identity", "data-channel": i.channel },
          ChannelBadge(i.channel),
          h("span", { dir: "ltr", class: "address" }, text("span", i.address)),
          i.optedOut ? h("span", { class: "badge badge-warn" }, t("contact.optedOut")) : null,
          i.verified ? h("span", { class: "badge" }, t("contact.verified")) : null,
        ),
      ),
    ),
  );
  const timeline = h(
    "section",
    { class: "card-section" },
    h("h3", null, t("contact.timeline")),
    h(
      "ol",
      { class: "timeline" },
      [...c.timeline]
        .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt))
        .map((item) => {
          const current = item.conversationId === currentId;
          const a = h(
            "a",
            {
              class: "timeline-link",
              href: href({ page: "inbox", conversationId: item.conversationId }),
              "aria-current": current ? "true" : null,
              onclick: (e) => {
                e.preventDefault();
                navigate({ page: "inbox", conversationId: item.conversationId });
              },
            },
            h("div", { class: "conv-row" }, ChannelBadge(item.channel), h("span", { class: "conv-number" }, t("conv.number", { n: item.number })), StatusBadge(item.status), h("time", { class: "conv-time", datetime: item.lastMessageAt }, when(item.lastMessageAt || item.createdAt))),
            text("div", item.lastMessagePreview || (current ? t("contact.current") : t("conv.noPreview")), "conv-preview"),
          );
          return h("li", { "data-testid": "timeline-item", "data-conversation-id": item.conversationId }, a);
        }),
    ),
  );
  return [head, facts, identities, timeline];
}
