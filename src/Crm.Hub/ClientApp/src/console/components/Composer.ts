// The reply box. Ctrl/Cmd+Enter sends; "Note" switches to internal notes. Disabled, with the reason,
// when the conversation isn't assigned to me (supervisors and admins may always write).
import { api, problemText } from "../api";
import { agentHub } from "../agentHub";
import { t } from "../i18n";
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
  const send = h("button", { type: "button", class: "btn btn-primary", "data-testid": "send", onclick: () => void submit() }, t("composer.send"));
  const hint = h("div", { class: "composer-hint", id: "composer-hint", "data-testid": "composer-hint", role: "status" });
  const keys = h("span", { class: "muted composer-keys", id: "composer-keys" }, t("composer.keys"));
  const root = h(
    "div",
    { class: "composer", "data-testid": "composer-box" },
    hint,
    label,
    textarea,
    h("div", { class: "composer-bar" }, noteToggle, keys, h("div", { class: "spacer" }), send),
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

  function render(): void {
    const { ok, reason } = canWrite();
    textarea.disabled = !ok || sending;
    send.disabled = !ok || sending;
    noteToggle.disabled = !ok;
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
    if (!body || sending || !canWrite().ok) return;
    sending = true;
    stopTyping();
    render();
    try {
      const m = await api.send(conversationId, body, draft.note);
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
