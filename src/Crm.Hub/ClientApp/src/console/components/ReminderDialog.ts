// "Remind me": a follow-up on the open conversation at a time the agent picks in their own time zone, with a note.
// At that time the console shows a notice linking the conversation, and a resolved conversation comes back to them.
// The same dialog schedules a reminder to the customer instead (appointment, renewal...) from a built-in template.
import { api, problemText } from "../api";
import { t } from "../i18n";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { browserTimeZone, isoToLocal, localToIso, remindersApi, type ReminderTemplate } from "../remindersApi";
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
  const zone = browserTimeZone();
  const when = h("input", { id: "reminder-when", type: "datetime-local", required: true, "data-testid": "reminder-when", value: defaultTime() });
  when.min = isoToLocal(new Date().toISOString());
  const whenError = h("div", { class: "field-error", id: "reminder-when-error", "aria-live": "polite", "data-testid": "reminder-when-error" });
  when.setAttribute("aria-describedby", "reminder-when-error reminder-zone");
  const note = h("textarea", { id: "reminder-note", rows: 3, maxlength: 1000, "data-testid": "reminder-note", dir: "auto" });
  const noteError = h("div", { class: "field-error", id: "reminder-note-error", "aria-live": "polite" });

  // Who is reminded: me (a follow-up) or the customer (a template message).
  const forMe = h("input", { type: "radio", name: "reminder-for", id: "reminder-for-me", value: "me", checked: true, "data-testid": "reminder-for-me" });
  const forCustomer = h("input", { type: "radio", name: "reminder-for", id: "reminder-for-customer", value: "customer", "data-testid": "reminder-for-customer" });
  const channel = h("select", { id: "reminder-channel", "data-testid": "reminder-channel" });
  const channelError = h("div", { class: "field-error", id: "reminder-channel-error", "aria-live": "polite" });
  const template = h("select", { id: "reminder-template", "data-testid": "reminder-template" });
  const templateError = h("div", { class: "field-error", id: "reminder-template-error", "aria-live": "polite" });
  const variablesBox = h("div", { class: "form-grid" });
  const variablesError = h("div", { class: "field-error", "aria-live": "polite" });
  const variableInputs = new Map<string, HTMLInputElement>();
  let templates: ReminderTemplate[] = [];
  const renderVariables = () => {
    const chosen = templates.find((x) => x.name === template.value);
    const before = new Map([...variableInputs].map(([k, input]) => [k, input.value]));
    variableInputs.clear();
    replace(
      variablesBox,
      (chosen?.variables ?? []).map((name) => {
        const input = h("input", { id: `reminder-var-${name}`, type: "text", dir: "auto", "data-testid": `reminder-var-${name}`, value: before.get(name) ?? "" });
        variableInputs.set(name, input);
        return h("div", { class: "field" }, h("label", { for: input.id }, name.replace(/_/g, " ")), input);
      }),
    );
  };
  template.addEventListener("change", renderVariables);
  const customerFields = h(
    "fieldset",
    { class: "reminder-customer", hidden: true },
    h("legend", null, t("reminder.customerLegend")),
    h("div", { class: "field" }, h("label", { for: "reminder-channel" }, t("reminder.channel")), channel, channelError),
    h("div", { class: "field" }, h("label", { for: "reminder-template" }, t("reminder.template")), template, templateError),
    variablesBox,
    variablesError,
  );
  const noteField = h("div", { class: "field" }, h("label", { for: "reminder-note" }, t("reminder.note")), note, noteError);
  let customerLoaded = false;
  const switchMode = () => {
    const customer = forCustomer.checked;
    customerFields.hidden = !customer;
    noteField.hidden = customer;
    submit.textContent = customer ? t("reminder.saveCustomer") : t("reminder.save");
    if (customer && !customerLoaded && c) {
      customerLoaded = true;
      Promise.all([api.replyOptions(conversationId), remindersApi.templates()])
        .then(([options, list]) => {
          templates = list;
          replace(
            channel,
            options.channels
              .filter((x) => x.channel !== "webchat")
              .map((x) => h("option", { value: x.channel, disabled: x.optedOut }, `${t(`channel.${x.channel}`)} — ${x.address}${x.optedOut ? ` (${t("reminder.optedOut")})` : ""}`)),
          );
          if (!channel.options.length) channelError.textContent = t("reminder.noChannel");
          replace(template, list.map((x) => h("option", { value: x.name }, x.name.replace(/-/g, " "))));
          renderVariables();
        })
        .catch((err) => {
          formError.textContent = problemText(err);
          formError.hidden = false;
        });
    }
  };
  forMe.addEventListener("change", switchMode);
  forCustomer.addEventListener("change", switchMode);

  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "reminder-error" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "reminder-save" }, t("reminder.save"));
  const slots = { dueAt: whenError, timeZone: whenError, note: noteError, channel: channelError, template: templateError, variables: variablesError, contactId: formError };

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
            if (forCustomer.checked) {
              await remindersApi.create({
                kind: "customer",
                contactId: c?.contactId ?? null,
                dueAt,
                timeZone: zone,
                channel: channel.value || null,
                template: template.value || null,
                variables: Object.fromEntries([...variableInputs].map(([k, input]) => [k, input.value.trim()])),
              });
            } else {
              await remindersApi.create({ conversationId, dueAt, timeZone: zone, note: note.value.trim() || null });
            }
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
      h(
        "fieldset",
        { class: "reminder-for" },
        h("legend", null, t("reminder.for")),
        h("label", { for: "reminder-for-me" }, forMe, " ", t("reminder.forMe")),
        h("label", { for: "reminder-for-customer" }, forCustomer, " ", t("reminder.forCustomer")),
      ),
      h("div", { class: "field" }, h("label", { for: "reminder-when" }, t("reminder.when")), when, whenError),
      zone && h("div", { class: "muted", id: "reminder-zone" }, t("reminder.zone", { zone })),
      noteField,
      customerFields,
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
