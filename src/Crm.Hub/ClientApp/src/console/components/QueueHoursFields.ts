// A queue's business hours in the queue editor: time zone, opening spans ("monday 09:00-17:00", one per line) and holidays.
// Empty time zone and spans mean around the clock; anything else goes to the server, whose messages show under "calendar".
import type { QueueCalendar } from "../api";
import { t } from "../i18n";
import { h } from "../../shared/h";
import { field } from "./forms";

export interface QueueHoursFields {
  el: HTMLElement;
  error: HTMLElement;
  value(): QueueCalendar | null;
}

export function queueHoursFields(calendar: QueueCalendar | null | undefined): QueueHoursFields {
  const zone = h("input", { id: "queue-time-zone", type: "text", dir: "ltr", value: calendar?.timeZone ?? "", placeholder: "Asia/Tehran" });
  const hours = h("textarea", { id: "queue-hours", dir: "ltr", rows: 4, placeholder: t("routing.openingHoursHint") });
  hours.value = (calendar?.hours ?? []).map((s) => `${s.day} ${s.open}-${s.close}`).join("\n");
  const holidays = h("input", { id: "queue-holidays", type: "text", dir: "ltr", value: (calendar?.holidays ?? []).join(", "), placeholder: "2026-03-20" });
  const calendarField = field("queue-time-zone", t("routing.timeZone"), zone);
  return {
    error: calendarField.error,
    el: h("div", null,
      h("h4", null, t("routing.businessHours")),
      h("p", { class: "muted" }, t("routing.hoursHelp")),
      h("div", { class: "form-grid" }, calendarField.el, field("queue-hours", t("routing.openingHours"), hours).el,
        field("queue-holidays", t("routing.holidays"), holidays).el)),
    value(): QueueCalendar | null {
      const spans = hours.value.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
        // "monday 09:00-17:00"; anything unreadable is sent as is so the server names what is wrong with it.
        const m = /^(\S+)\s+(\S+?)\s*[-–]\s*(\S+)$/.exec(line);
        return m ? { day: m[1]!, open: m[2]!, close: m[3]! } : { day: line, open: "", close: "" };
      });
      if (!zone.value.trim() && spans.length === 0) return null;
      return { timeZone: zone.value.trim(), hours: spans, holidays: holidays.value.split(",").map((d) => d.trim()).filter(Boolean) };
    },
  };
}
