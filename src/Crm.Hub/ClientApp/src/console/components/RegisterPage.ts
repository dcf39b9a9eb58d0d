// The complaints and suggestions register (supervisors and admins): every conversation filed as one, with its status and
// owner, filtered by kind, status and owner; status and owner change in place.
import { problemText } from "../api";
import { t, when, type Key } from "../i18n";
import { link } from "../router";
import { REGISTER_KINDS, REGISTER_STATUSES, reportsApi, type RegisterItem, type RegisterStatus } from "../reportsApi";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";

export function RegisterPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const select = (id: string, options: [string, string][]) =>
    h("select", { id, "data-testid": id, onchange: () => load() }, options.map(([value, label]) => h("option", { value }, label)));
  const kind = select("register-kind", [["", t("register.kind.all")], ...REGISTER_KINDS.map((k): [string, string] => [k, t(`register.kind.${k}` as Key)])]);
  const status = select("register-status", [["", t("register.status.all")], ...REGISTER_STATUSES.map((s): [string, string] => [s, t(`register.status.${s}` as Key)])]);
  const owner = select("register-owner", [["", t("register.owner.all")], ["me", t("register.owner.me")], ["none", t("register.owner.none")]]);
  const list = h("div", { "data-testid": "register-list" });
  const load = (): void =>
    void reportsApi
      .register({ kind: kind.value, status: status.value, owner: owner.value })
      .then((items) => alive && replace(list, items.length ? table(items, load) : h("p", { class: "empty-state", "data-testid": "register-empty" }, t("register.empty"))))
      .catch((err) => alive && replace(list, h("div", { class: "form-error", role: "alert" }, problemText(err))));
  load();
  const field = (label: Key, control: HTMLElement) => h("div", { class: "field" }, h("label", { for: control.id }, t(label)), control);
  return h("div", { class: "page admin-page", "data-testid": "register-page" },
    h("section", { class: "panel" }, h("h2", null, t("register.title")), h("p", { class: "muted" }, t("register.help")),
      h("div", { class: "register-filters" }, field("register.kind", kind), field("register.status", status), field("register.owner", owner)),
      list));
}

function table(items: RegisterItem[], reload: () => void): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", { class: "table", "data-testid": "register-table" },
    h("thead", null, h("tr", null, (["register.conversation", "register.kind", "register.contact", "register.opened", "register.status", "register.owner"] as const)
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", null, items.map((item) => row(item, reload)))));
}

function row(item: RegisterItem, reload: () => void): HTMLElement {
  const status = h("select", { "data-testid": "register-row-status", "aria-label": t("register.status") },
    REGISTER_STATUSES.map((s) => h("option", { value: s, selected: item.status === s }, t(`register.status.${s}` as Key))));
  const owner = h("select", { "data-testid": "register-row-owner", "aria-label": t("register.owner") },
    h("option", { value: "" }, t("register.owner.none")),
    store.agents.map((a) => h("option", { value: a.id, selected: item.ownerId === a.id }, a.displayName)));
  const feedback = h("span", { class: "muted", "aria-live": "polite" });
  const save = () =>
    void reportsApi
      .updateRegister(item.conversationId, { status: status.value as RegisterStatus, ownerId: owner.value || null })
      .then(() => {
        feedback.textContent = t("register.saved");
        reload();
      })
      .catch((err) => (feedback.textContent = problemText(err)));
  status.addEventListener("change", save);
  owner.addEventListener("change", save);
  const contact = h("td", { dir: "auto" });
  contact.textContent = item.contactName ?? "—";
  const preview = h("div", { class: "muted", dir: "auto" });
  preview.textContent = item.preview ?? "";
  return h("tr", { "data-testid": "register-row", "data-conversation": item.conversationId },
    h("td", null, link(h("a", null, `#${item.number}`), { page: "inbox", conversationId: item.conversationId }), preview),
    h("td", null, t(`register.kind.${item.kind}` as Key)),
    contact,
    h("td", null, when(item.openedAt)),
    h("td", null, status),
    h("td", null, owner, " ", feedback));
}
