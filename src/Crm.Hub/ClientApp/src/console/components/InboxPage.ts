// The three-column inbox: lists | conversation | contact.
import { t } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { ConversationList } from "./ConversationList";
import { ConversationPane } from "./ConversationPane";

export function InboxPage(scope: Scope, conversationId: string | null): HTMLElement {
  store.select(conversationId);
  const contactSlot = h("div", { class: "contact-slot" });
  const main = h("main", { class: "main", id: "main" });
  if (conversationId) {
    replace(main, ConversationPane(scope.child(), conversationId, contactSlot));
  } else {
    replace(
      main,
      h("div", { class: "no-selection", "data-testid": "no-selection" }, h("h1", null, t("noSelection.title")), h("p", { class: "muted" }, t("noSelection.body"))),
    );
  }
  return h("div", { class: `inbox${conversationId ? " has-selection" : ""}` }, ConversationList(scope.child()), main, contactSlot);
}
