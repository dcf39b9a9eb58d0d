// The reply box. Ctrl/Cmd+Enter sends; "Note" switches to internal notes. Disabled, with the reason,
// when the conversation isn't assigned to me (supervisors and admins may always write).
import { api, problemText } from "../api";
import { agentHub } from "../agentHub";
import { num, t, type Key } from "../i18n";
import { countSegments } from "../smsSegments";
import type { Scope } from "../scope";
import { store } from "../store";
import { h } from "../../shared/h";
import type { Channel, ReplyOptions } from "../types";

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
  // "" = the default (the customer's last channel, decided by the server); other values are channel names.
  const channelSelect = h("select", { class: "reply-channel", "data-testid": "reply-channel", "aria-label": t("composer.channel") });
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

  let options: ReplyOptions | null = null;

  /** The channel the reply will go out on: the agent's pick, else the default (the customer's latest inbound channel). */
  const replyChannel = (): string => {
    if (channelSelect.value) return channelSelect.value;
    if (options) return options.default;
    const thread = store.messages.get(conversationId) ?? [];
    const lastInbound = [...thread].reverse().find((m) => m.direction === "inbound");
    return lastInbound?.channel ?? store.conversations.get(conversationId)?.channel ?? "";
  };

  function renderSegments(): void {
    const sms = !draft.note && replyChannel() === "sms" && textarea.value.length > 0;
    segments.hidden = !sms;
    if (!sms) return;
    const count = countSegments(textarea.value);
    segments.textContent = t(count.segments === 1 ? "composer.segmentsOne" : "composer.segments", {
      chars: num(count.units),
      segments: num(count.segments),
      encoding: count.encoding === "gsm7" ? "GSM-7" : t("composer.unicode"),
    });
    segments.dataset.segments = String(count.segments);
    segments.dataset.encoding = count.encoding;
  }

  // The contact's channels, to answer a fax by SMS or a chat by Telegram; opted-out ones are listed but can't be picked.
  // Loaded again when the customer writes on a channel the list doesn't have, or that isn't the default any more.
  const channelName = (c: string) => (["webchat", "sms", "email", "fax", "telegram"].includes(c) ? t(`channel.${c as Channel}` as Key) : c);
  let loading = false;
  let again = false;
  let checkedInbound: string | undefined;
  const loadChannels = (): void => {
    if (loading) {
      again = true; // the customer wrote again while loading: load once more afterwards
      return;
    }
    loading = true;
    api
      .replyOptions(conversationId)
      .then((o) => {
        options = o;
        const picked = channelSelect.value;
        channelSelect.replaceChildren(
          h("option", { value: "" }, t("composer.channelDefault", { channel: channelName(o.default) })),
          ...o.channels.map((c) =>
            h(
              "option",
              {
                value: c.channel,
                disabled: c.optedOut || !!c.undeliverable,
                title: c.undeliverable
                  ? t("composer.channelUndeliverable", { address: c.address, reason: c.undeliverable })
                  : t("composer.channelTitle", { channel: channelName(c.channel), address: c.address }),
              },
              c.optedOut
                ? t("composer.channelOptedOut", { channel: channelName(c.channel) })
                : c.undeliverable
                  ? t("composer.channelBounced", { channel: channelName(c.channel) })
                  : channelName(c.channel),
            ),
          ),
        );
        // Keep the agent's pick if it is still sendable.
        channelSelect.value = o.channels.some((c) => c.channel === picked && !c.optedOut && !c.undeliverable) ? picked : "";
        channelSelect.hidden = o.channels.length < 2;
        renderSegments();
      })
      .catch(() => undefined)
      .finally(() => {
        loading = false;
        if (again) {
          again = false;
          loadChannels();
        }
      });
  };
  channelSelect.hidden = true;
  loadChannels();
  // A merge can move the conversation to another contact, with other channels.
  let contactId = store.conversations.get(conversationId)?.contactId;
  scope.add(
    store.on("conversations", (id) => {
      if (id !== undefined && id !== conversationId) return;
      const now = store.conversations.get(conversationId)?.contactId;
      if (now && now !== contactId) {
        contactId = now;
        loadChannels();
      }
    }),
  );
  scope.add(
    store.on("messages", (id) => {
      if (id !== conversationId) return;
      const thread = store.messages.get(conversationId) ?? [];
      const lastInbound = [...thread].reverse().find((m) => m.direction === "inbound");
      if (options && lastInbound && lastInbound.id !== checkedInbound) {
        checkedInbound = lastInbound.id;
        if (lastInbound.channel !== options.default || !options.channels.some((c) => c.channel === lastInbound.channel)) loadChannels();
      }
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
