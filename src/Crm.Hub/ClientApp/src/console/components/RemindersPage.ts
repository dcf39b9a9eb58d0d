// The reminders page: my follow-ups and customer reminders (everyone's for supervisors), upcoming, done or cancelled,
// with cancel and reschedule. Times are shown in the browser's time zone; the zone a reminder was set in is kept beside it.
import { problemText } from "../api";
import { fullTime, t } from "../i18n";
import { link } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { browserTimeZone, isoToLocal, localToIso, remindersApi, type ReminderStatus, type ReminderView } from "../remindersApi";

export function RemindersPage(scope: Scope): HTMLElement {
  let status: ReminderStatus = "upcoming";
  let who: "mine" | "all" = "mine";
  const list = h("div", { class: "table-wrap", "aria-live": "polite" });
  const error = h("div", { class: "form-error", role: "alert", hidden: true });

  const load = async () => {
    try {
      const rows = await remindersApi.list(status, who);
      error.hidden = true;
      render(rows);
    } catch (err) {
      error.textContent = problemText(err);
      error.hidden = false;
    }
  };

  const render = (rows: ReminderView[]) => {
    if (!rows.length) {
      replace(list, h("div", { class: "empty-state", "data-testid": "reminders-empty" }, t(`reminders.empty.${status}`)));
      return;
    }
    replace(
      list,
      h(
        "table",
        { class: "table", "data-testid": "reminders-table" },
        h("thead", null, h("tr", null, (["due", "about", "note", "state", "actions"] as const).map((k) => h("th", { scope: "col" }, t(`reminders.col.${k}`))))),
        h("tbody", null, rows.map(row)),
      ),
    );
  };

  const row = (r: ReminderView): HTMLElement => {
    const due = h("td", null, h("time", { datetime: r.dueAt }, fullTime(r.dueAt)));
    if (r.timeZone && r.timeZone !== browserTimeZone()) due.append(h("div", { class: "muted" }, r.timeZone));
    const about = h("td");
    const name = h("span", { dir: "auto" });
    name.textContent = r.contactName || t("thread.customer");
    about.append(name);
    if (r.conversationId) {
      about.append(" ", link(h("a", { "data-testid": "reminder-conversation" }, t("conv.number", { n: r.conversationNumber ?? 0 })), { page: "inbox", conversationId: r.conversationId }));
    }
    if (r.kind === "customer") about.append(h("div", { class: "muted" }, t("reminders.customer", { template: r.template ?? "", channel: r.channel ?? "" })));
    if (who === "all" && r.agentName) about.append(h("div", { class: "muted" }, r.agentName));
    const note = h("td", { dir: "auto" });
    note.textContent = r.note ?? "";
    const state = h("td", null, h("span", { class: "badge", "data-state": r.state }, t(`reminders.state.${r.state}`)));
    if (r.delivery) state.append(h("div", { class: "muted" }, t("reminders.delivery", { state: r.delivery })));
    if (r.outcome) {
      const outcome = h("div", { class: "muted" });
      outcome.textContent = r.outcome;
      state.append(outcome);
    }
    const actions = h("td", { class: "actions" });
    if (r.state === "scheduled") {
      const cancel = h("button", { type: "button", class: "btn btn-sm", "data-testid": "reminder-cancel-row" }, t("reminders.cancel"));
      cancel.addEventListener("click", async () => {
        cancel.disabled = true;
        try {
          await remindersApi.cancel(r.id);
          await load();
        } catch (err) {
          store.notify(problemText(err));
          cancel.disabled = false;
        }
      });
      const moveTo = h("input", { type: "datetime-local", value: isoToLocal(r.dueAt), "aria-label": t("reminders.newTime"), class: "input-sm" });
      const move = h("button", { type: "button", class: "btn btn-sm" }, t("reminders.reschedule"));
      move.addEventListener("click", async () => {
        const dueAt = localToIso(moveTo.value);
        if (!dueAt) return;
        move.disabled = true;
        try {
          await remindersApi.reschedule(r.id, dueAt, browserTimeZone());
          await load();
        } catch (err) {
          store.notify(problemText(err));
          move.disabled = false;
        }
      });
      actions.append(h("div", { class: "row-actions" }, moveTo, move, cancel));
    }
    return h("tr", { "data-testid": "reminder-row", "data-reminder-id": r.id }, due, about, note, state, actions);
  };

  const statusSelect = h(
    "select",
    { id: "reminders-status", "data-testid": "reminders-status" },
    (["upcoming", "done", "cancelled"] as const).map((s) => h("option", { value: s }, t(`reminders.status.${s}`))),
  );
  statusSelect.addEventListener("change", () => {
    status = statusSelect.value as ReminderStatus;
    void load();
  });
  const whoSelect = h(
    "select",
    { id: "reminders-who", "data-testid": "reminders-who" },
    h("option", { value: "mine" }, t("reminders.mine")),
    h("option", { value: "all" }, t("reminders.all")),
  );
  whoSelect.addEventListener("change", () => {
    who = whoSelect.value as "mine" | "all";
    void load();
  });

  void load();
  scope.add(store.on("reminders", () => void load()));
  return h(
    "main",
    { class: "page reminders", id: "main", "data-testid": "reminders-page" },
    h("h1", null, t("reminders.title")),
    h(
      "div",
      { class: "toolbar", role: "group", "aria-label": t("reminders.filters") },
      h("label", { for: "reminders-status" }, t("reminders.show")),
      statusSelect,
      store.isSupervisor && [h("label", { for: "reminders-who" }, t("reminders.whose")), whoSelect],
    ),
    error,
    h("section", { class: "panel" }, list),
  );
}
