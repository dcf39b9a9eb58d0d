// Follow-ups (supervisors and admins): resolved conversations to look at again — a low survey score or a complaint.
// Take one (become its owner), open the conversation, and mark it done with a note.
import { problemText } from "../api";
import { t, when, type Key } from "../i18n";
import { href, navigate } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { surveysApi, type FollowUpView } from "../surveysApi";
import { h, replace } from "../../shared/h";

export function FollowUpsPage(scope: Scope): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  let status: "open" | "done" = "open";
  const list = h("div", { "data-testid": "follow-ups" }, h("p", { class: "muted" }, t("contact.loading")));
  const load = (): void =>
    void surveysApi
      .followUps(status)
      .then((items) => alive && replace(list, items.length ? h("ul", { class: "follow-up-list" }, items.map((f) => row(f, load))) : h("p", { class: "empty-state", "data-testid": "follow-ups-empty" }, t(status === "open" ? "followUps.empty" : "followUps.emptyDone"))))
      .catch((err) => alive && replace(list, h("div", { class: "form-error" }, problemText(err))));
  const tab = (value: "open" | "done") => {
    const b = h("button", { type: "button", class: "btn", "aria-pressed": String(status === value), "data-testid": `follow-ups-${value}` }, t(`followUps.${value}` as Key));
    b.addEventListener("click", () => {
      status = value;
      for (const x of tabs.querySelectorAll("button")) x.setAttribute("aria-pressed", String(x === b));
      load();
    });
    return b;
  };
  const tabs = h("div", { class: "form-actions", role: "group" }, tab("open"), tab("done"));
  load();
  // A new follow-up arrives as a supervisor alert.
  scope.add(store.on("surveys", () => status === "open" && load()));
  return h("main", { class: "page follow-ups-page" }, h("h2", null, t("followUps.title")), h("p", { class: "muted" }, t("followUps.help")), tabs, list);
}

function row(f: FollowUpView, reload: () => void): HTMLElement {
  const detail = h("p", { class: "follow-up-detail", dir: "auto" });
  detail.textContent = f.detail;
  const conv = h("a", { href: href({ page: "inbox", conversationId: f.conversationId }), class: "conv-number" }, t("conv.number", { n: f.conversationNumber }));
  conv.addEventListener("click", (e) => {
    e.preventDefault();
    navigate({ page: "inbox", conversationId: f.conversationId });
  });
  const who = h("span", { class: "muted" });
  who.textContent = [f.contactName, f.agentName ? t("followUps.agent", { name: f.agentName }) : null, f.ownerName ? t("followUps.owner", { name: f.ownerName }) : null]
    .filter(Boolean).join(" · ");
  const error = h("div", { class: "form-error", role: "alert", hidden: true });
  const fail = (err: unknown) => {
    error.hidden = false;
    error.textContent = problemText(err);
  };
  const actions = h("div", { class: "form-actions" });
  if (f.status === "open") {
    const note = h("input", { type: "text", dir: "auto", maxlength: 2000, placeholder: t("followUps.note"), "aria-label": t("followUps.note"), "data-testid": "follow-up-note" });
    const take = h("button", { type: "button", class: "btn", "data-testid": "follow-up-take", hidden: f.ownerId === store.me?.id }, t("followUps.take"));
    take.addEventListener("click", () => void surveysApi.takeFollowUp(f.id).then(reload, fail));
    const done = h("button", { type: "button", class: "btn btn-primary", "data-testid": "follow-up-done" }, t("followUps.markDone"));
    done.addEventListener("click", () => void surveysApi.closeFollowUp(f.id, note.value.trim()).then(reload, fail));
    actions.append(note, take, done);
  } else if (f.note) {
    const note = h("p", { class: "muted", dir: "auto" });
    note.textContent = f.note;
    actions.append(note);
  }
  return h("li", { class: "follow-up", "data-testid": "follow-up", "data-reason": f.reason },
    h("div", { class: "conv-row" }, h("span", { class: `badge ${f.reason === "complaint" ? "badge-warn" : ""}` }, t(`followUps.reason.${f.reason}` as Key)), conv,
      h("time", { class: "conv-time", datetime: f.createdAt }, when(f.createdAt))),
    detail, who, actions, error);
}
