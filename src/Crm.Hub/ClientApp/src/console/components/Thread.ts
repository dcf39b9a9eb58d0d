// The messages of one conversation, oldest first. Bodies are always text (textContent), so a body
// like <img src=x onerror=alert(1)> shows literally. Notes look distinct; outbound shows delivery ticks.
import { fullTime, t, when } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace, tickGlyph } from "../../shared/h";
import type { Attachment, MessageView } from "../types";
import { EmailBody, EmailHeader } from "./EmailBody";
import { PdfPreview } from "./PdfPreview";

export function Thread(scope: Scope, conversationId: string): HTMLElement {
  const list = h("div", { class: "thread-list", role: "log", "aria-live": "polite", "aria-label": t("thread.label"), "data-testid": "thread" });
  const typing = h("div", { class: "typing-indicator", "data-testid": "visitor-typing", "aria-live": "polite", hidden: true });
  const rows = new Map<string, HTMLElement>();

  const render = () => {
    const messages = store.messages.get(conversationId);
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    if (!messages) {
      rows.clear();
      replace(list, h("div", { class: "empty-state" }, t("thread.loading")));
      return;
    }
    if (messages.length === 0) {
      rows.clear();
      replace(list, h("div", { class: "empty-state" }, t("thread.empty")));
      return;
    }
    list.querySelector(":scope > .empty-state")?.remove();
    const seen = new Set<string>();
    const last = messages[messages.length - 1]!;
    const mineJustSent = !rows.has(last.id) && last.authorAgentId !== null && last.authorAgentId === store.me?.id;
    let cursor: ChildNode | null = list.firstChild;
    for (const m of messages) {
      seen.add(m.id);
      let row = rows.get(m.id);
      if (!row) {
        row = messageRow(m);
        rows.set(m.id, row);
      } else {
        updateRow(row, m);
      }
      if (row !== cursor) list.insertBefore(row, cursor);
      else cursor = cursor.nextSibling;
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.remove();
        rows.delete(id);
      }
    }
    if (nearBottom || mineJustSent) list.scrollTop = list.scrollHeight;
  };

  const renderTyping = (id?: string) => {
    if (id && id !== conversationId) return;
    const on = store.typing.has(conversationId);
    typing.hidden = !on;
    typing.textContent = on ? t("thread.visitorTyping") : "";
  };

  render();
  renderTyping();
  scope.add(store.on("messages", (id) => (id === undefined || id === conversationId) && render()));
  scope.add(store.on("typing", renderTyping));
  queueMicrotask(() => (list.scrollTop = list.scrollHeight));
  return h("div", { class: "thread" }, list, typing);
}

function authorOf(m: MessageView): string {
  if (m.direction === "inbound") {
    return m.authorName || store.conversations.get(m.conversationId)?.contactName || t("thread.customer");
  }
  return m.authorName || "";
}

function messageRow(m: MessageView): HTMLElement {
  // An inbound email shows as it was meant to look; everything else (and our own email replies) as text.
  const rich = m.direction === "inbound" && !!m.email;
  const body = rich ? EmailBody(m) : h("div", { class: "message-body", "data-testid": "message-body", dir: "auto" });
  if (!rich) body.textContent = m.body; // never innerHTML
  const author = h("span", { class: "message-author" });
  author.textContent = authorOf(m);
  const row = h(
    "article",
    { class: `message message-${m.direction}`, "data-testid": "message", "data-direction": m.direction, "data-id": m.id },
    h(
      "div",
      { class: "message-meta" },
      m.direction === "note" ? h("span", { class: "note-label" }, t("thread.note")) : null,
      author,
      h("time", { datetime: m.createdAt, title: fullTime(m.createdAt) }, when(m.createdAt)),
    ),
    EmailHeader(m),
    body,
    h("ul", { class: "attachments" }),
    // Outbound only: the status ticks and, when the provider refused or the outbox is retrying, why.
    h(
      "div",
      { class: "delivery", "data-testid": "delivery-status", hidden: true },
      h("div", { class: "delivery-note", "data-testid": "delivery-error", role: "status", hidden: true }),
      h("span", { class: "ticks", "data-testid": "message-status" }),
    ),
  );
  updateRow(row, m);
  return row;
}

function updateRow(row: HTMLElement, m: MessageView): void {
  const ticks = row.querySelector<HTMLElement>(".ticks")!;
  const status = m.direction === "outbound" ? m.deliveryStatus : null;
  if (status) {
    row.dataset.status = status;
    ticks.dataset.status = status;
    ticks.textContent = tickGlyph(status);
    ticks.title = t(`delivery.${status}`);
    ticks.setAttribute("aria-label", t(`delivery.${status}`));
    ticks.hidden = false;
  } else {
    delete row.dataset.status;
    ticks.hidden = true;
  }
  const delivery = row.querySelector<HTMLElement>(".delivery")!;
  delivery.hidden = !status;
  const body = row.querySelector<HTMLElement>(":scope > .message-body");
  if (body && body.textContent !== m.body) body.textContent = m.body;

  const meta = row.querySelector<HTMLElement>(".message-meta")!;
  if (m.editedAt) {
    let edited = meta.querySelector<HTMLElement>(".edited");
    if (!edited) {
      edited = h("span", { class: "edited muted", "data-testid": "message-edited" }, t("thread.edited"));
      meta.append(edited);
    }
    // The text before the edit, when the push carried it; otherwise when it was edited.
    edited.title = m.previousBody ? t("thread.editedFrom", { body: m.previousBody }) : fullTime(m.editedAt);
  }

  const note = row.querySelector<HTMLElement>(".delivery-note")!;
  const retrying = !!m.retry && status === "pending";
  const why = status === "failed" && m.deliveryError
    ? t("delivery.failedWhy", { reason: m.deliveryError })
    : retrying
      ? t("delivery.retrying", { n: m.retry!.attempt, reason: m.retry!.error })
      : "";
  note.textContent = why;
  note.hidden = !why;
  note.title = retrying && m.retry!.nextAttemptAt ? t("delivery.nextAttempt", { time: fullTime(m.retry!.nextAttemptAt) }) : "";
  note.dataset.kind = status === "failed" ? "failed" : "retrying";
  delivery.dataset.state = status === "failed" ? "failed" : retrying ? "retrying" : (status ?? "");

  const list = row.querySelector<HTMLElement>(".attachments")!;
  const shown = new Set([...list.children].map((li) => (li as HTMLElement).dataset.id));
  for (const a of m.attachments ?? []) {
    // Inline images of an email are in its body already.
    if (!shown.has(a.id) && !a.inline) list.append(attachmentItem(a));
  }
  list.hidden = list.children.length === 0;
}

/** Images as thumbnails, PDFs (faxes) previewed, anything else a download link. Files come from the authenticated API. */
function attachmentItem(a: Attachment): HTMLElement {
  const url = `/api/v1/attachments/${encodeURIComponent(a.id)}`;
  const inline = `${url}?inline=true`;
  const li = h("li", { class: "attachment", "data-testid": "attachment", "data-id": a.id, "data-content-type": a.contentType });
  const label = h("a", { href: url, download: a.fileName, class: "attachment-link", "aria-label": t("thread.download", { name: a.fileName }) });
  const name = h("span", { class: "attachment-name", dir: "auto" });
  name.textContent = a.fileName; // customer-supplied: text only
  label.append("📎 ", name, h("span", { class: "attachment-size muted" }, formatSize(a.size)));
  if (a.contentType.startsWith("image/")) {
    li.append(h("a", { href: inline, target: "_blank", rel: "noopener" }, h("img", { src: inline, alt: a.fileName, class: "attachment-thumb", loading: "lazy" })));
  } else if (a.contentType === "application/pdf") {
    li.append(PdfPreview(a, inline));
  }
  li.append(label);
  return li;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
