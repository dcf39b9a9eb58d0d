// The left column: Queue (waiting), Mine (assigned to me) and, for supervisors, All open — with counters.
import { t, num, when } from "../i18n";
import { href, navigate } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ConversationView } from "../types";
import { ChannelBadge } from "./ChannelBadge";

type Tab = "queue" | "mine" | "all";

let activeTab: Tab = "queue";

/** Switches the visible list (e.g. to "mine" after accepting an offer); applies on next render. */
export function showTab(tab: Tab): void {
  activeTab = tab;
}

function listFor(tab: Tab): ConversationView[] {
  const all = [...store.conversations.values()];
  const me = store.me?.id;
  switch (tab) {
    case "queue":
      // Higher priority first, then longest waiting.
      return all
        .filter((c) => c.status === "waiting")
        .sort((a, b) => b.priority - a.priority || a.createdAt.localeCompare(b.createdAt));
    case "mine":
      return all.filter((c) => c.assigneeId === me && c.status !== "resolved").sort(byActivity);
    case "all":
      return all.filter((c) => c.status !== "resolved").sort(byActivity);
  }
}

function byActivity(a: ConversationView, b: ConversationView): number {
  return (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt);
}

const testIds: Record<Tab, string> = { queue: "queue-item", mine: "mine-item", all: "all-item" };
const empties = { queue: "empty.queue", mine: "empty.mine", all: "empty.all" } as const;

export function ConversationList(scope: Scope): HTMLElement {
  const tabs: Tab[] = store.isSupervisor ? ["queue", "mine", "all"] : ["queue", "mine"];
  if (!tabs.includes(activeTab)) activeTab = "queue";
  const tabBar = h("div", { class: "tabs", role: "tablist", "aria-label": t("tabs.label") });
  const panel = h("div", { class: "list-panel", role: "tabpanel", id: "conversation-list-panel" });

  const render = () => {
    replace(
      tabBar,
      tabs.map((tab) => {
        const count = listFor(tab).length;
        const selected = tab === activeTab;
        return h(
          "button",
          {
            type: "button",
            role: "tab",
            class: "tab",
            id: `tab-${tab}`,
            "data-testid": `tab-${tab}`,
            "aria-selected": String(selected),
            "aria-controls": "conversation-list-panel",
            tabindex: selected ? 0 : -1,
            onclick: () => {
              activeTab = tab;
              render();
            },
            onkeydown: (e) => {
              const key = (e as KeyboardEvent).key;
              if (key !== "ArrowRight" && key !== "ArrowLeft") return;
              const rtl = document.documentElement.dir === "rtl";
              const step = (key === "ArrowRight") !== rtl ? 1 : -1;
              activeTab = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]!;
              render();
              tabBar.querySelector<HTMLElement>(`#tab-${activeTab}`)?.focus();
            },
          },
          t(`tab.${tab}`),
          h("span", { class: "count", "data-testid": `count-${tab}` }, num(count)),
        );
      }),
    );
    panel.setAttribute("aria-labelledby", `tab-${activeTab}`);
    const items = listFor(activeTab);
    if (items.length === 0) {
      replace(panel, h("div", { class: "empty-state", "data-testid": "empty-state" }, t(empties[activeTab])));
      return;
    }
    replace(panel, h("ul", { class: "conv-list" }, items.map((c) => item(c, testIds[activeTab]))));
  };

  render();
  scope.add(store.on("conversations", render));
  scope.add(store.on("selection", render));
  scope.add(store.on("me", render));
  scope.add(store.on("typing", render));
  // Refresh relative times once a minute.
  const timer = window.setInterval(render, 60000);
  scope.add(() => window.clearInterval(timer));

  return h("aside", { class: "sidebar", "aria-label": t("tabs.label") }, tabBar, panel);
}

function item(c: ConversationView, testId: string): HTMLElement {
  const selected = store.selectedId === c.id;
  const typing = store.typing.has(c.id);
  const preview = h("div", { class: "conv-preview", dir: "auto" });
  preview.textContent = typing ? t("thread.visitorTyping") : c.lastMessagePreview || t("conv.noPreview");
  if (typing) preview.classList.add("typing");
  const name = h("span", { class: "conv-name", dir: "auto" });
  name.textContent = c.contactName || t("thread.customer");
  const a = h(
    "a",
    {
      class: "conv-item",
      href: href({ page: "inbox", conversationId: c.id }),
      "aria-current": selected ? "true" : null,
      onclick: (e) => {
        const m = e as MouseEvent;
        if (m.ctrlKey || m.metaKey || m.shiftKey) return;
        e.preventDefault();
        navigate({ page: "inbox", conversationId: c.id });
      },
    },
    h("div", { class: "conv-row" }, name, h("time", { class: "conv-time", datetime: c.lastMessageAt }, when(c.lastMessageAt || c.createdAt))),
    h("div", { class: "conv-row" }, preview),
    h(
      "div",
      { class: "conv-row conv-meta" },
      ChannelBadge(c.channel),
      h("span", { class: "conv-number" }, t("conv.number", { n: c.number })),
      c.assigneeName && c.status === "assigned" ? h("span", { class: "muted" }, c.assigneeName) : null,
      c.priority > 0 ? h("span", { class: "priority", title: "priority" }, "▲".repeat(Math.min(c.priority, 3))) : null,
    ),
  );
  return h("li", { "data-testid": testId, "data-conversation-id": c.id, "data-status": c.status }, a);
}
