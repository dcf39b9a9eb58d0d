// The middle column for one conversation: header (contact, channel, status, #number), actions
// (resolve, reopen, transfer), "why this agent", the thread and the composer.
import { api, problemText } from "../api";
import { t } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ConversationView } from "../types";
import { ChannelBadge, StatusBadge } from "./ChannelBadge";
import { Composer } from "./Composer";
import { ContactCard } from "./ContactCard";
import { Thread } from "./Thread";
import { openTransferDialog } from "./TransferDialog";
import { CategorySelect } from "./CategorySelect";
import { WhyThisAgent } from "./WhyThisAgent";
import { openReminderDialog } from "./ReminderDialog";

/** Fetches the conversation and its thread into the store. */
export async function loadConversation(id: string): Promise<void> {
  const [c, messages] = await Promise.all([api.conversation(id), api.messages(id)]);
  store.upsertConversation(c);
  store.setThread(id, messages);
}

export function ConversationPane(scope: Scope, id: string, contactSlot: HTMLElement): HTMLElement {
  const header = h("header", { class: "conv-header", "data-testid": "conversation-header" });
  const body = h("div", { class: "conv-body" });
  const root = h("section", { class: "conversation", "data-conversation-id": id, "aria-labelledby": "conv-title" }, header, body);
  let mountedFor: string | null = null;
  let contactFor: string | null = null;
  let inner: Scope | null = null;
  let contactScope: Scope | null = null;

  const act = async (button: HTMLButtonElement, run: () => Promise<ConversationView>) => {
    button.disabled = true;
    try {
      store.upsertConversation(await run());
    } catch (err) {
      store.notify(problemText(err));
    } finally {
      button.disabled = false;
    }
  };

  const renderHeader = () => {
    const c = store.conversations.get(id);
    if (!c) {
      replace(header, h("div", { class: "muted" }, t("thread.loading")));
      return;
    }
    const name = h("h1", { id: "conv-title", class: "conv-title", dir: "auto" });
    name.textContent = c.contactName || t("thread.customer");
    const resolve = h("button", { type: "button", class: "btn", "data-testid": "resolve" }, t("action.resolve"));
    resolve.addEventListener("click", () => void act(resolve, () => api.resolve(id)));
    const reopen = h("button", { type: "button", class: "btn", "data-testid": "reopen" }, t("action.reopen"));
    reopen.addEventListener("click", () => void act(reopen, () => api.reopen(id)));
    const transfer = h("button", { type: "button", class: "btn", "data-testid": "transfer", onclick: () => openTransferDialog(id) }, t("action.transfer"));
    const remind = h(
      "button",
      { type: "button", class: "btn", "data-testid": "remind-me", "aria-haspopup": "dialog", onclick: () => openReminderDialog(id) },
      t("reminder.action"),
    );
    const assignee = h("span", { class: "muted" });
    assignee.textContent = c.assigneeName ? t("conv.assignedTo", { name: c.assigneeName }) : t("conv.unassigned");
    replace(
      header,
      h(
        "div",
        { class: "conv-title-row" },
        name,
        ChannelBadge(c.channel),
        StatusBadge(c.status),
        h("span", { class: "conv-number", "data-testid": "conversation-number" }, t("conv.number", { n: c.number })),
      ),
      h(
        "div",
        { class: "conv-sub" },
        assignee,
        CategorySelect(c),
        h(
          "div",
          { class: "actions", role: "group", "aria-label": t("conv.actions") },
          c.status === "resolved" ? [remind, reopen] : [remind, transfer, resolve],
        ),
      ),
    );
    if (mountedFor !== id) {
      mountedFor = id;
      inner?.dispose();
      inner = scope.child();
      replace(body, WhyThisAgent(inner, id), Thread(inner, id), Composer(inner, id));
    }
    if (contactFor !== c.contactId) {
      contactFor = c.contactId;
      contactScope?.dispose();
      contactScope = scope.child();
      replace(contactSlot, ContactCard(contactScope, c.contactId, id));
    }
  };

  renderHeader();
  scope.add(store.on("conversations", (changed) => (changed === undefined || changed === id) && renderHeader()));
  loadConversation(id).catch((err) => {
    replace(body, h("div", { class: "empty-state form-error" }, problemText(err)));
  });
  return root;
}
