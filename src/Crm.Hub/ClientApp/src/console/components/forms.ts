// Form helpers shared by the admin and routing pages: a labelled field with a slot for its validation messages,
// and the mapping of a problem's errors onto those slots.
import { ApiError, problemText } from "../api";
import { h } from "../../shared/h";

/** A labelled field with a slot for its server-side validation messages. */
export function field(id: string, label: string, control: HTMLElement): { el: HTMLElement; error: HTMLElement } {
  const error = h("div", { class: "field-error", id: `${id}-error`, "data-testid": `${id}-error`, "aria-live": "polite" });
  control.setAttribute("aria-describedby", `${id}-error`);
  return { el: h("div", { class: "field" }, h("label", { for: id }, label), control, error), error };
}

/** Maps a problem's errors onto field slots by a forgiving name match ("Email", "$.email", "capacity.sms"). */
export function clearErrors(slots: Record<string, HTMLElement>, formError: HTMLElement): void {
  for (const slot of Object.values(slots)) slot.textContent = "";
  formError.textContent = "";
  formError.hidden = true;
}

export function showErrors(err: unknown, slots: Record<string, HTMLElement>, formError: HTMLElement): void {
  clearErrors(slots, formError);
  const leftovers: string[] = [];
  if (err instanceof ApiError && err.problem.errors) {
    for (const [key, messages] of Object.entries(err.problem.errors)) {
      const norm = key.replace(/^\$\.?/, "").toLowerCase();
      const name = Object.keys(slots).find((f) => norm === f.toLowerCase() || norm.startsWith(`${f.toLowerCase()}.`) || norm.startsWith(`${f.toLowerCase()}[`));
      const text = messages.join(" ");
      if (name) slots[name]!.textContent = [slots[name]!.textContent, text].filter(Boolean).join(" ");
      else leftovers.push(text);
    }
    if (!leftovers.length && err.problem.title && !Object.keys(err.problem.errors).length) leftovers.push(err.problem.title);
  } else {
    leftovers.push(problemText(err));
  }
  if (leftovers.length) {
    formError.textContent = leftovers.join(" ");
    formError.hidden = false;
  }
}
