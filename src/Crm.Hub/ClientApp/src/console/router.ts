// Client-side routes under /app/ (the server falls back to /app/index.html for any of them).
export type Route =
  | { page: "inbox"; conversationId: string | null }
  | { page: "admin" }
  | { page: "routing" }
  | { page: "audience" }
  | { page: "templates" }
  | { page: "campaigns" }
  | { page: "followUps" }
  | { page: "reminders" }
  | { page: "board" }
  | { page: "reports" }
  | { page: "register" }
  | { page: "login" };

const BASE = import.meta.env.BASE_URL.replace(/\/$/, ""); // "/app"

export function parse(pathname: string = location.pathname): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "login") return { page: "login" };
  if (parts[0] === "admin") return { page: "admin" };
  if (parts[0] === "routing") return { page: "routing" };
  if (parts[0] === "audience") return { page: "audience" };
  if (parts[0] === "templates") return { page: "templates" };
  if (parts[0] === "campaigns") return { page: "campaigns" };
  if (parts[0] === "follow-ups") return { page: "followUps" };
  if (parts[0] === "reminders") return { page: "reminders" };
  if (parts[0] === "board") return { page: "board" };
  if (parts[0] === "reports") return { page: "reports" };
  if (parts[0] === "register") return { page: "register" };
  if (parts[0] === "c" && parts[1]) return { page: "inbox", conversationId: decodeURIComponent(parts[1]) };
  return { page: "inbox", conversationId: null };
}

export function href(route: Route): string {
  switch (route.page) {
    case "login":
      return `${BASE}/login`;
    case "admin":
      return `${BASE}/admin`;
    case "routing":
      return `${BASE}/routing`;
    case "audience":
      return `${BASE}/audience`;
    case "templates":
      return `${BASE}/templates`;
    case "campaigns":
      return `${BASE}/campaigns`;
    case "followUps":
      return `${BASE}/follow-ups`;
    case "reminders":
      return `${BASE}/reminders`;
    case "board":
      return `${BASE}/board`;
    case "reports":
      return `${BASE}/reports`;
    case "register":
      return `${BASE}/register`;
    case "inbox":
      return route.conversationId ? `${BASE}/c/${encodeURIComponent(route.conversationId)}` : `${BASE}/`;
  }
}

const listeners = new Set<(route: Route) => void>();

export function onRoute(fn: (route: Route) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function navigate(route: Route, replace = false): void {
  const url = href(route);
  if (url !== location.pathname) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  for (const fn of [...listeners]) fn(route);
}

window.addEventListener("popstate", () => {
  const route = parse();
  for (const fn of [...listeners]) fn(route);
});

/** Makes an <a> navigate in-app on plain clicks (new tab etc. still work). */
export function link(a: HTMLAnchorElement, route: Route): HTMLAnchorElement {
  a.href = href(route);
  a.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  });
  return a;
}
