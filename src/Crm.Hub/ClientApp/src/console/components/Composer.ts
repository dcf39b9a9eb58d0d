// The reply box. Ctrl/Cmd+Enter sends; "Note" switches to internal notes. Disabled, with the reason,
// when the conversation isn't assigned to me (supervisors and admins may always write).
import { api, problemText } from "../api";
import { agentHub } from "../agentHub";
import { num, t, type Key } from "../i18n";
import { countSegments } from "../smsSegments";
import type { Scope } from "../scope";
import { store } from "../store";
import { h } from "../../shared/h";

export function Composer(scope: Scope, conversationId: string): HTMLElement {
  const draft = store.drafts.get(conversationId) ?? { text: "", note: false };
  let sending = false;
  let typingSent = false;
  let typingTimer: number | undefined;

  const textarea = h("textarea", {
    id: "composer",
    class: "composer-input",
    "data-testid": "composer",
    rows: 3,
    dir: "auto",
    "aria-describedby": "composer-hint composer-keys",
  });
  textarea.value = draft.text;
  const label = h("label", { for: "composer", class: "sr-only" }, t("composer.label"));
  const noteToggle = h(
    "button",
    {
      type: "button",
      class: "btn btn-toggle",
      "data-testid": "note-toggle",
      onclick: () => {
        draft.note = !draft.note;
        stopTyping();
        save();
        render();
        textarea.focus();
      },
    },
    t("composer.note"),
  );
  const channelSelect = h("select", { class: "reply-channel", "data-testid": "reply-channel", "aria-label": t("composer.channel") },
    h("option", { value: "" }, t("composer.channelAuto")));
  // Files to send with the reply (Telegram documents, PDFs for a fax); the server refuses channels that can't carry them.
  let files: File[] = [];
  const fileInput = h("input", { type: "file", multiple: true, class: "sr-only", id: `composer-files-${conversationId}`, "data-testid": "attach-input" });
  const attach = h("label", { for: fileInput.id, class: "btn btn-toggle", "data-testid": "attach", tabindex: 0, role: "button" }, t("composer.attach"));
  const chosen = h("ul", { class: "composer-files", "data-testid": "attached-files", hidden: true });
  const renderFiles = () => {
    chosen.replaceChildren(
      ...files.map((f, i) =>
        h(
          "li",
          null,
          `📎 ${f.name}`,
          h("button", { type: "button", class: "btn btn-small", "aria-label": t("composer.removeFile", { name: f.name }), onclick: () => { files = files.filter((_, j) => j !== i); renderFiles(); } }, "×"),
        ),
      ),
    );
    chosen.hidden = files.length === 0;
  };
  fileInput.addEventListener("change", () => {
    files = [...files, ...Array.from(fileInput.files ?? [])].slice(0, 10);
    fileInput.value = "";
    renderFiles();
  });
  attach.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      fileInput.click();
    }
  });
  const segments = h("span", { class: "muted segment-counter", "data-testid": "segment-counter", "aria-live": "polite", hidden: true });
  const send = h("button", { type: "button", class: "btn btn-primary", "data-testid": "send", onclick: () => void submit() }, t("composer.send"));
  const hint = h("div", { class: "composer-hint", id: "composer-hint", "data-testid": "composer-hint", role: "status" });
  const keys = h("span", { class: "muted composer-keys", id: "composer-keys" }, t("composer.keys"));
  const root = h(
    "div",
    { class: "composer", "data-testid": "composer-box" },
    hint,
    label,
    textarea,
    chosen,
    h("div", { class: "composer-bar" }, noteToggle, attach, fileInput, keys, h("div", { class: "spacer" }), segments, channelSelect, send),
  );

  const save = () => store.drafts.set(conversationId, { ...draft });

  const canWrite = (): { ok: boolean; reason: string } => {
    const me = store.me;
    const c = store.conversations.get(conversationId);
    if (!me || !c) return { ok: false, reason: "" };
    if (c.assigneeId === me.id || store.isSupervisor) return { ok: true, reason: "" };
    if (c.assigneeId) return { ok: false, reason: t("composer.assignedToOther", { name: c.assigneeName || "—" }) };
    return { ok: false, reason: t("composer.notAssigned") };
  };

  /** The channel the reply will go out on: the agent's pick, else the conversation's latest inbound channel. */
  const replyChannel = (): string => {
    if (channelSelect.value) return channelSelect.value;
    const thread = store.messages.get(conversationId) ?? [];
    const lastInbound = [...thread].reverse().find((m) => m.direction === "inbound");
    return lastInbound?.channel ?? store.conversations.get(conversationId)?.channel ?? "";
  };

  function renderSegments(): void {
    const sms = !draft.note && replyChannel() === "sms" && textarea.value.length > 0;
    segments.hidden = !sms;
    if (!sms) return;
    const count = countSegments(textarea.value);
    segments.textContent = t("composer.segments", {
      chars: num(count.units),
      segments: num(count.segments),
      encoding: count.encoding === "gsm7" ? "GSM-7" : t("composer.unicode"),
    });
    segments.dataset.segments = String(count.segments);
    segments.dataset.encoding = count.encoding;
  }

  // The contact's other channels, to answer a fax by SMS or a chat by Telegram; opted-out ones are not offered.
  // Loaded again when a message arrives on a channel the list doesn't have yet (the contact just gained it).
  const offered = new Set<string>();
  const loadChannels = () => {
    const contactId = store.conversations.get(conversationId)?.contactId;
    if (!contactId) return;
    api
      .contact(contactId)
      .then((contact) => {
        for (const channel of new Set(contact.identities.filter((i) => !i.optedOut).map((i) => i.channel))) {
          if (offered.has(channel)) continue;
          offered.add(channel);
          channelSelect.append(h("option", { value: channel }, t(`channel.${channel}` as Key)));
        }
        channelSelect.hidden = offered.size < 2;
      })
      .catch(() => undefined);
  };
  channelSelect.hidden = true;
  loadChannels();
  scope.add(
    store.on("messages", (id) => {
      if (id !== conversationId) return;
      if ((store.messages.get(conversationId) ?? []).some((m) => m.direction === "inbound" && !offered.has(m.channel))) loadChannels();
      renderSegments();
    }),
  );
  channelSelect.addEventListener("change", renderSegments);

  function render(): void {
    renderSegments();
    channelSelect.disabled = draft.note;
    const { ok, reason } = canWrite();
    textarea.disabled = !ok || sending;
    send.disabled = !ok || sending;
    noteToggle.disabled = !ok;
    attach.hidden = draft.note;
    noteToggle.setAttribute("aria-pressed", String(draft.note));
    root.classList.toggle("is-note", draft.note);
    textarea.placeholder = draft.note ? t("composer.notePlaceholder") : t("composer.placeholder");
    send.textContent = draft.note ? t("composer.addNote") : t("composer.send");
    hint.textContent = reason;
    hint.hidden = !reason;
    root.dataset.disabled = String(!ok);
  }

  function stopTyping(): void {
    window.clearTimeout(typingTimer);
    if (typingSent) {
      typingSent = false;
      agentHub.typing(conversationId, false);
    }
  }

  async function submit(): Promise<void> {
    const body = textarea.value.trim();
    if ((!body && files.length === 0) || sending || !canWrite().ok) return;
    sending = true;
    stopTyping();
    render();
    try {
      const m = files.length && !draft.note
        ? await api.sendFiles(conversationId, body, files, channelSelect.value)
        : await api.send(conversationId, body, draft.note, draft.note ? undefined : channelSelect.value);
      files = [];
      renderFiles();
      store.addMessage(m);
      textarea.value = "";
      draft.text = "";
      save();
    } catch (err) {
      store.notify(problemText(err));
    } finally {
      sending = false;
      render();
      textarea.focus();
    }
  }

  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  });
  textarea.addEventListener("input", () => {
    draft.text = textarea.value;
    save();
    renderSegments();
    if (draft.note) return; // notes are private: don't tell the customer
    window.clearTimeout(typingTimer);
    if (!typingSent && textarea.value) {
      typingSent = true;
      agentHub.typing(conversationId, true);
    }
    typingTimer = window.setTimeout(stopTyping, 3000);
  });

  render();
  scope.add(store.on("conversations", (id) => (id === undefined || id === conversationId) && render()));
  scope.add(store.on("me", render));
  scope.add(stopTyping);
  return root;
}
