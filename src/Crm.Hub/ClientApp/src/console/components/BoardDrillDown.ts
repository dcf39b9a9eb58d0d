// The conversations behind a board figure (GET /supervisor/board/conversations): open one, see why routing chose its
// agent, reassign it, or take it over (a transfer to me: routing offers it to the supervisor within their capacity).
import { api, problemText, request } from "../api";
import { num, t, when, type Key } from "../i18n";
import { link } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import type { BoardConversation, BoardFigure } from "../boardTypes";
import { h, replace } from "../../shared/h";
import { duration } from "./boardFormat";
import { loadDirectory, openTransferDialog } from "./TransferDialog";
import { WhyThisAgent } from "./WhyThisAgent";

export interface DrillDown {
  el: HTMLElement;
  open: (figure: BoardFigure, queue: string | null, channel: string | null, scopeName: string) => void;
  conversation: (id: string, number: number) => void;
}

const conversations = (figure: BoardFigure, queue: string | null, channel: string | null) => {
  const q = new URLSearchParams({ figure });
  if (queue) q.set("queue", queue);
  if (channel) q.set("channel", channel);
  return request<BoardConversation[]>("GET", `/supervisor/board/conversations?${q}`);
};

export function BoardDrillDown(scope: Scope): DrillDown {
  const title = h("h2", { id: "drill-title" });
  const body = h("div", { class: "drill-body" });
  const el = h("aside", { class: "board-drill", "data-testid": "board-drill", "aria-labelledby": "drill-title", hidden: true },
    h("div", { class: "drill-head" }, title,
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": "drill-close", onclick: () => { el.hidden = true; } }, t("board.drill.close"))),
    body);
  let itemScope = scope.child();

  const row = (c: BoardConversation) => {
    const why = h("div", { class: "drill-why" });
    const contact = h("span", null);
    contact.textContent = c.contactName ?? "";
    return h("li", { class: "drill-item", "data-testid": "drill-item", "data-id": c.id },
      h("div", { class: "drill-line" },
        link(h("a", { "data-testid": "drill-open" }, t("conv.number", { n: c.number })), { page: "inbox", conversationId: c.id }),
        " ", contact, " ", h("span", { class: "badge" }, t(`channel.${c.channel}` as Key) ?? c.channel),
        c.queue ? h("span", { class: "muted" }, ` · ${c.queue}`) : null,
        h("span", { class: "muted" }, ` · ${t(`status.${c.status}` as Key) ?? c.status}`),
        c.value !== null ? h("strong", { class: "num", "data-testid": "drill-value" }, ` ${duration(c.value)}`) : null,
        h("time", { class: "muted", datetime: c.openedAt }, ` ${when(c.openedAt)}`)),
      h("div", { class: "drill-actions" },
        h("button", { type: "button", class: "btn btn-ghost", "data-testid": "drill-why", onclick: () => {
          if (why.childElementCount) replace(why);
          else replace(why, WhyThisAgent(itemScope.child(), c.id));
        } }, t("board.drill.why")),
        h("button", { type: "button", class: "btn btn-ghost", "data-testid": "drill-reassign", onclick: async () => {
          try {
            store.upsertConversation(await api.conversation(c.id));
            await loadDirectory();
            openTransferDialog(c.id);
          } catch (err) {
            store.notify(problemText(err));
          }
        } }, t("board.drill.reassign")),
        h("button", { type: "button", class: "btn", "data-testid": "drill-take-over", onclick: async () => {
          try {
            await api.transfer(c.id, { agentId: store.me!.id });
            store.notify(t("board.drill.takenOver", { n: num(c.number) }), "info");
          } catch (err) {
            store.notify(problemText(err));
          }
        } }, t("board.drill.takeOver"))),
      why);
  };

  const show = (items: BoardConversation[]) => {
    replace(body, items.length ? h("ul", { class: "drill-list" }, items.map(row)) : h("p", { class: "muted", "data-testid": "drill-empty" }, t("board.drill.empty")));
  };

  return {
    el,
    open(figure, queue, channel, scopeName) {
      itemScope.dispose();
      itemScope = scope.child();
      el.hidden = false;
      el.dataset.figure = figure;
      title.textContent = t("board.drill.title", { figure: t(`board.figure.${figure}` as Key), scope: scopeName || t("board.drill.all") });
      replace(body, h("p", { class: "muted" }, t("board.drill.loading")));
      conversations(figure, queue, channel).then(show, (err: unknown) => replace(body, h("p", { class: "form-error", role: "alert" }, problemText(err))));
    },
    conversation(id, number) {
      itemScope.dispose();
      itemScope = scope.child();
      el.hidden = false;
      title.textContent = t("conv.number", { n: number });
      api.conversation(id).then(
        (c) => show([{ id: c.id, number: c.number, channel: c.channel, queueId: null, queue: null, status: c.status, assigneeId: c.assigneeId,
          contactName: c.contactName, openedAt: c.createdAt, waitingSince: null, firstResponseDue: null, value: null }]),
        (err: unknown) => replace(body, h("p", { class: "form-error", role: "alert" }, problemText(err))));
    },
  };
}
