// An email as it was meant to look: the sanitized HTML in a sandboxed frame (no scripts can run, a content security
// policy blocks anything remote until the agent loads images), or the plain text with the quoted earlier mail folded.
import { t } from "../i18n";
import { h } from "../../shared/h";
import type { MessageView } from "../types";

const MAX_FRAME_HEIGHT = 640;

export function EmailHeader(m: MessageView): HTMLElement | null {
  const email = m.email;
  if (!email) return null;
  const subject = h("div", { class: "email-subject", "data-testid": "email-subject", dir: "auto" });
  subject.textContent = email.subject || "—";
  const header = h("div", { class: "email-header" }, subject);
  if (email.counterpart) {
    const who = h("div", { class: "email-counterpart muted", dir: "ltr" });
    who.textContent = email.counterpart;
    header.append(who);
  }
  if (email.automatic) {
    header.append(h("div", { class: "email-automatic", "data-testid": "email-automatic", title: email.automatic }, t("email.automatic")));
  }
  if (email.warnings.length > 0) {
    const list = h("ul", { class: "email-warnings", "data-testid": "email-warnings", role: "note", "aria-label": t("email.warnings") });
    for (const w of email.warnings) {
      const li = h("li");
      li.textContent = w;
      list.append(li);
    }
    header.append(list);
  }
  return header;
}

/** The body of an email message; falls back to the text when there is no HTML. */
export function EmailBody(m: MessageView): HTMLElement {
  const email = m.email!;
  const root = h("div", { class: "email-body", "data-testid": "email-body" });
  const text = textView(m.body, email.trimmedText);
  if (!email.html) {
    root.append(text);
    return root;
  }
  let remote = false;
  const frame = h("iframe", {
    class: "email-frame",
    "data-testid": "email-frame",
    // Same origin lets inline images load with the agent's cookie and lets us size the frame; without allow-scripts
    // nothing in the mail can run. Links open outside the console.
    sandbox: "allow-same-origin allow-popups allow-popups-to-escape-sandbox",
    referrerpolicy: "no-referrer",
    title: t("email.frameTitle", { from: email.counterpart ?? "" }),
  }) as HTMLIFrameElement;
  const load = () => {
    frame.srcdoc = documentFor(email.html!, remote);
  };
  frame.addEventListener("load", () => {
    const doc = frame.contentDocument;
    if (doc?.documentElement) {
      frame.style.height = `${Math.min(MAX_FRAME_HEIGHT, doc.documentElement.scrollHeight + 4)}px`;
    }
  });
  load();

  const tools = h("div", { class: "email-tools" });
  if (email.hasRemoteImages) {
    const bar = h("div", { class: "email-remote", "data-testid": "email-remote", role: "note" }, t("email.remoteBlocked"));
    const button = h("button", { type: "button", class: "link-button", "data-testid": "email-load-images" }, t("email.loadImages"));
    button.addEventListener("click", () => {
      remote = true;
      bar.remove();
      load();
    });
    bar.append(" ", button);
    root.append(bar);
  }
  const toggle = h("button", { type: "button", class: "link-button", "data-testid": "email-view-toggle", "aria-pressed": "false" }, t("email.asText"));
  text.hidden = true;
  toggle.addEventListener("click", () => {
    const showText = text.hidden;
    text.hidden = !showText;
    frame.hidden = showText;
    toggle.textContent = showText ? t("email.asHtml") : t("email.asText");
    toggle.setAttribute("aria-pressed", String(showText));
  });
  tools.append(toggle);
  root.append(frame, text, tools);
  return root;
}

/** The sender's own words, with the quoted earlier mail folded away behind a button. */
function textView(full: string, trimmed: string | null): HTMLElement {
  const own = h("div", { class: "message-body email-text", "data-testid": "message-body", dir: "auto" });
  own.textContent = trimmed ?? full;
  const box = h("div", { class: "email-text-box" }, own);
  if (trimmed && trimmed !== full) {
    const button = h("button", { type: "button", class: "link-button", "data-testid": "email-quoted-toggle", "aria-expanded": "false" }, t("email.showQuoted"));
    button.addEventListener("click", () => {
      const expand = button.getAttribute("aria-expanded") !== "true";
      own.textContent = expand ? full : trimmed;
      button.setAttribute("aria-expanded", String(expand));
      button.textContent = expand ? t("email.hideQuoted") : t("email.showQuoted");
    });
    box.append(button);
  }
  return box;
}

/**
 * The frame's document. The HTML was sanitized on the server; the policy here is the second wall: nothing runs, and
 * nothing loads from outside the hub unless the agent asked for remote images.
 */
function documentFor(html: string, allowRemote: boolean): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  if (allowRemote) {
    for (const img of doc.querySelectorAll<HTMLImageElement>("img[data-remote-src]")) {
      img.setAttribute("src", img.getAttribute("data-remote-src")!);
      img.removeAttribute("data-remote-src");
    }
  }
  const images = allowRemote ? "'self' data: https: http:" : "'self' data:";
  const policy = `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'; font-src 'self' data:`;
  const head = `<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}"><base target="_blank">`
    + "<style>body{margin:0;padding:10px 14px;font:14px/1.5 system-ui,sans-serif;color:#1f2328;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>";
  return `<!DOCTYPE html><html><head>${head}${doc.head.innerHTML}</head><body>${doc.body.innerHTML}</body></html>`;
}
