// "Remind me": a follow-up on the open conversation at a time the agent picks in their own time zone, with a note.
// At that time the console shows a notice linking the conversation, and a resolved conversation comes back to them.
import { t } from "../i18n";
import { store } from "../store";
import { h } from "../../shared/h";
import { browserTimeZone, isoToLocal, localToIso, remindersApi } from "../remindersApi";
import { clearErrors, showErrors } from "./forms";

/** Tomorrow at 10:00 in the browser's time: a sensible default for "call back". */
function defaultTime(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(10, 0, 0, 0);
  return isoToLocal(d.toISOString());
}

export function openReminderDialog(conversationId: string): void {
  const c = store.conversations.get(conversationId);
  const when = h("input", { id: "reminder-when", type: "datetime-local", required: true, "data-testid": "reminder-when", value: defaultTime() });
  when.min = isoToLocal(new Date().toISOString());
  const note = h("textarea", { id: "reminder-note", rows: 3, maxlength: 1000, "data-testid": "reminder-note", dir: "auto" });
  const zone = browserTimeZone();
  const whenError = h("div", { class: "field-error", id: "reminder-when-error", "aria-live": "polite", "data-testid": "reminder-when-error" });
  const noteError = h("div", { class: "field-error", id: "reminder-note-error", "aria-live": "polite" });
  when.setAttribute("aria-describedby", "reminder-when-error reminder-zone");
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "reminder-error" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "reminder-save" }, t("reminder.save"));
  const slots = { dueAt: whenError, note: noteError, timeZone: whenError };

  const dialog = h(
    "dialog",
    { class: "dialog", "data-testid": "reminder-dialog", "aria-labelledby": "reminder-title" },
    h(
      "form",
      {
        method: "dialog",
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          clearErrors(slots, formError);
          const dueAt = localToIso(when.value);
          if (!dueAt) {
            whenError.textContent = t("reminder.pickTime");
            when.focus();
            return;
          }
          submit.disabled = true;
          try {
            await remindersApi.create({ conversationId, dueAt, timeZone: zone, note: note.value.trim() || null });
            store.notify(t("reminder.set", { when: new Date(dueAt).toLocaleString(document.documentElement.lang || undefined) }), "info");
            store.emit("reminders");
            dialog.close();
          } catch (err) {
            showErrors(err, slots, formError);
          } finally {
            submit.disabled = false;
          }
        },
      },
      h("h2", { id: "reminder-title" }, t("reminder.title", { n: c?.number ?? 0 })),
      h("div", { class: "field" }, h("label", { for: "reminder-when" }, t("reminder.when")), when, whenError),
      zone && h("div", { class: "muted", id: "reminder-zone" }, t("reminder.zone", { zone })),
      h("div", { class: "field" }, h("label", { for: "reminder-note" }, t("reminder.note")), note, noteError),
      formError,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "btn", "data-testid": "reminder-cancel", onclick: () => dialog.close() }, t("reminder.close")),
        submit,
      ),
    ),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  when.focus();
}
