// The conversation's category (complaint, suggestion…): the agent sets it from the header; reports, segments and the
// complaints register read it. The list comes from the hub (Crm:Conversations:Categories), fetched once per console.
import { api, problemText } from "../api";
import { t, type Key } from "../i18n";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { ConversationView } from "../types";

let categories: Promise<string[]> | null = null;

export function CategorySelect(c: ConversationView): HTMLElement {
  const select = h("select", { class: "category-select", "aria-label": t("category.label"), "data-testid": "category" },
    h("option", { value: "" }, t("category.none")));
  // Categories an admin added beyond the built-in ones have no translation: their own name is shown.
  const label = (name: string): string => t(`category.${name}` as Key) || name;
  void (categories ??= api.categories()).then((list) => {
    replace(select, h("option", { value: "" }, t("category.none")), list.map((name) => h("option", { value: name, selected: c.category === name }, label(name))));
  }).catch(() => (categories = null));
  select.addEventListener("change", () => {
    select.disabled = true;
    api.categorize(c.id, select.value || null)
      .then((view) => store.upsertConversation(view))
      .catch((err) => store.notify(problemText(err)))
      .finally(() => (select.disabled = false));
  });
  return select;
}
