// Crm.Hub chat widget. A business pastes
//   <script src="https://hub.example/widget.js" async></script>
// and gets a chat launcher talking to that hub. Optional attributes on the script tag:
//   data-locale="en|fa"  data-title="…"  data-accent="#0a7"  data-debug
import css from "./widget.css?inline";
import { ChatPanel } from "./ChatPanel";
import { pickLocale, strings } from "./strings";
import { VisitorClient } from "./VisitorClient";

declare global {
  interface Window {
    __crmHubWidget?: { client: VisitorClient };
  }
}

// document.currentScript is only set while this script first runs, so capture it now.
const script = findScript();

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const tags = Array.from(document.querySelectorAll<HTMLScriptElement>("script[src]"));
  return tags.reverse().find((s) => /\/widget\.js(?:[?#].*)?$/.test(s.src)) ?? null;
}

/** The hub's base URL: wherever widget.js was served from, minus the file name. */
function hubBase(tag: HTMLScriptElement | null): string {
  if (!tag) return location.origin;
  const url = new URL(tag.src, location.href);
  return `${url.origin}${url.pathname.replace(/\/widget\.js$/, "")}`.replace(/\/$/, "");
}

function safeColor(value: string | undefined): string | null {
  if (!value) return null;
  return typeof CSS !== "undefined" && CSS.supports("color", value) ? value : null;
}

function mount(): void {
  if (window.__crmHubWidget) return; // pasted twice
  const data = script?.dataset ?? {};
  const locale = pickLocale(data.locale);
  const s = strings(locale);
  const client = new VisitorClient(hubBase(script), data.debug !== undefined);
  window.__crmHubWidget = { client };

  const host = document.createElement("div");
  host.id = "crm-hub-widget";
  host.setAttribute("style", "all: initial; position: fixed; z-index: 2147483000; inset: auto; width: 0; height: 0;");
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = css;
  const root = document.createElement("div");
  root.className = "root";
  root.dir = s.dir;
  root.lang = locale;
  const accent = safeColor(data.accent);
  if (accent) root.style.setProperty("--accent", accent);
  shadow.append(style, root);
  document.body.appendChild(host);

  new ChatPanel(root, client, s, { title: data.title ?? null });

  // A returning visitor: resume the conversation and listen, so agent replies show on the badge.
  if (client.hasSession) {
    void client.resume(false).then((ok) => {
      if (ok) void client.connect();
    });
  }
}

if (document.body) mount();
else document.addEventListener("DOMContentLoaded", mount, { once: true });
