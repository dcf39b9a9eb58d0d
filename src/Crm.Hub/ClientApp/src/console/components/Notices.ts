// Transient messages (failed actions, expired offers), announced politely.
import { t } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { link } from "../router";

export function Notices(scope: Scope): HTMLElement {
  const region = h("div", { class: "notices", role: "status", "aria-live": "polite" });
  const render = () =>
    replace(
      region,
      store.notices.map((n) => {
        const text = h("span");
        text.textContent = n.text;
        return h(
          "div",
          { class: `notice notice-${n.kind}`, "data-testid": "notice" },
          text,
          n.conversationId &&
            link(h("a", { class: "notice-link", "data-testid": "notice-link", onclick: () => store.dismiss(n.id) }, t("reminder.open")), {
              page: "inbox",
              conversationId: n.conversationId,
            }),
          h("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": t("error.dismiss"), onclick: () => store.dismiss(n.id) }, "×"),
        );
      }),
    );
  render();
  scope.add(store.on("notice", render));
  return region;
}
