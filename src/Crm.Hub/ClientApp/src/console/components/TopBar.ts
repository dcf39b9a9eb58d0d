// The bar across the top: product, navigation, connection state, presence, language and account.
import { api, problemText } from "../api";
import { currentLocale, setLocale, t } from "../i18n";
import { link, type Route } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import type { Presence } from "../types";

export interface TopBarActions {
  onLocale: () => void;
  onLogout: () => void;
}

export function TopBar(scope: Scope, route: Route, actions: TopBarActions): HTMLElement {
  const me = store.me!;

  const dot = h("span", { class: "conn", "data-testid": "connection-state", role: "status" });
  const renderConn = () => {
    const state = store.connection;
    dot.dataset.state = state;
    const label = t(`conn.${state}`);
    dot.title = t("conn.label", { state: label });
    replace(dot, h("span", { class: "conn-dot", "aria-hidden": "true" }), h("span", { class: "conn-text" }, label));
  };
  renderConn();
  scope.add(store.on("connection", renderConn));

  const presence = h(
    "select",
    {
      id: "presence",
      "data-testid": "presence",
      "aria-label": t("presence.label"),
      onchange: async () => {
        const wanted = presence.value as Presence;
        presence.dataset.presence = wanted;
        try {
          store.setMe(await api.setPresence(wanted));
        } catch (err) {
          store.notify(problemText(err));
          presence.value = store.me?.presence ?? "offline";
        }
      },
    },
    ...(["online", "away", "offline"] as const).map((p) => h("option", { value: p }, t(`presence.${p}`))),
  );
  const syncPresence = () => {
    presence.value = store.me?.presence ?? "offline";
    presence.dataset.presence = presence.value;
  };
  syncPresence();
  scope.add(store.on("me", syncPresence));

  const nav = h(
    "nav",
    { class: "nav", "aria-label": t("nav.main") },
    link(h("a", { class: "nav-link", "data-testid": "nav-inbox", "aria-current": route.page === "inbox" ? "page" : null }, t("nav.inbox")), {
      page: "inbox",
      conversationId: store.selectedId,
    }),
    link(h("a", { class: "nav-link", "data-testid": "nav-reminders", "aria-current": route.page === "reminders" ? "page" : null }, t("nav.reminders")), {
      page: "reminders",
    }),
    me.role !== "agent" &&
      link(h("a", { class: "nav-link", "data-testid": "nav-routing", "aria-current": route.page === "routing" ? "page" : null }, t("nav.routing")), {
        page: "routing",
      }),
    me.role !== "agent" &&
      link(h("a", { class: "nav-link", "data-testid": "nav-audience", "aria-current": route.page === "audience" ? "page" : null }, t("nav.audience")), {
        page: "audience",
      }),
    me.role !== "agent" &&
      link(h("a", { class: "nav-link", "data-testid": "nav-campaigns", "aria-current": route.page === "campaigns" ? "page" : null }, t("nav.campaigns")), {
        page: "campaigns",
      }),
    me.role !== "agent" &&
      link(h("a", { class: "nav-link", "data-testid": "nav-templates", "aria-current": route.page === "templates" ? "page" : null }, t("nav.templates")), {
        page: "templates",
      }),
    (me.role === "supervisor" || me.role === "admin") &&
      link(h("a", { class: "nav-link", "data-testid": "nav-follow-ups", "aria-current": route.page === "followUps" ? "page" : null }, t("nav.followUps")), {
        page: "followUps",
      }),
    (me.role === "supervisor" || me.role === "admin") &&
      link(h("a", { class: "nav-link", "data-testid": "nav-board", "aria-current": route.page === "board" ? "page" : null }, t("nav.board")), {
        page: "board",
      }),
    (me.role === "supervisor" || me.role === "admin") &&
      link(h("a", { class: "nav-link", "data-testid": "nav-reports", "aria-current": route.page === "reports" ? "page" : null }, t("nav.reports")), {
        page: "reports",
      }),
    (me.role === "supervisor" || me.role === "admin") &&
      link(h("a", { class: "nav-link", "data-testid": "nav-register", "aria-current": route.page === "register" ? "page" : null }, t("nav.register")), {
        page: "register",
      }),
    me.role === "admin" &&
      link(h("a", { class: "nav-link", "data-testid": "nav-admin", "aria-current": route.page === "admin" ? "page" : null }, t("nav.admin")), {
        page: "admin",
      }),
  );

  const lang = h(
    "button",
    {
      type: "button",
      class: "btn btn-ghost",
      "data-testid": "lang-toggle",
      "aria-label": t("lang.label"),
      lang: currentLocale() === "fa" ? "en" : "fa",
      onclick: () => {
        setLocale(currentLocale() === "fa" ? "en" : "fa");
        actions.onLocale();
      },
    },
    t("lang.other"),
  );

  const userMenu = h(
    "details",
    { class: "user-menu", "data-testid": "user-menu" },
    h("summary", { "aria-label": t("user.menu") }, h("span", { class: "avatar", "aria-hidden": "true" }, initials(me.displayName)), h("span", { class: "user-name" }, me.displayName)),
    h(
      "div",
      { class: "menu" },
      h("div", { class: "menu-head" }, h("strong", null, me.displayName), h("span", { class: "muted" }, me.email), h("span", { class: "badge" }, t(`role.${me.role}`))),
      h("button", { type: "button", class: "btn btn-ghost btn-block", "data-testid": "logout", onclick: () => actions.onLogout() }, t("user.logout")),
    ),
  );
  const closeMenu = (e: MouseEvent) => {
    if (!userMenu.contains(e.target as Node)) userMenu.open = false;
  };
  document.addEventListener("click", closeMenu);
  scope.add(() => document.removeEventListener("click", closeMenu));

  return h(
    "header",
    { class: "topbar" },
    h("div", { class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "◆"), t("appName")),
    nav,
    h("div", { class: "topbar-spacer" }),
    dot,
    h("label", { class: "presence", "data-presence": me.presence }, h("span", { class: "sr-only" }, t("presence.label")), presence),
    lang,
    userMenu,
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "")).toUpperCase();
}
