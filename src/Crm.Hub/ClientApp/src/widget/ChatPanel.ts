// What the visitor sees: the launcher button (with unread badge) and the chat panel. Renders into
// the widget's shadow root; every customer/agent text goes through text nodes, never innerHTML.
import { h, replace, tickGlyph } from "../shared/h";
import type { Strings, StringKey } from "./strings";
import type { ChatMessage, VisitorClient } from "./VisitorClient";

export interface PanelOptions {
  title: string | null;
}

const chatIcon = () => svg("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z");
const sendIcon = () => svg("M3 20.5 21 12 3 3.5l2.5 8.5L3 20.5zm2.5-8.5h8");

function svg(path: string): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("aria-hidden", "true");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  p.setAttribute("fill", "none");
  p.setAttribute("stroke", "currentColor");
  p.setAttribute("stroke-width", "2");
  p.setAttribute("stroke-linejoin", "round");
  el.appendChild(p);
  return el;
}

export class ChatPanel {
  private open = false;
  private starting = false;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly banner: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly list: HTMLDivElement;
  private readonly typing: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly rows = new Map<string, HTMLElement>();
  private readonly chat: HTMLDivElement;

  constructor(
    root: HTMLElement,
    private readonly client: VisitorClient,
    private readonly s: Strings,
    options: PanelOptions,
  ) {
    const title = options.title || s.t("title");
    this.badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    this.launcher = h(
      "button",
      {
        type: "button",
        class: "launcher",
        "data-testid": "crm-launcher",
        "aria-label": s.t("open"),
        "aria-expanded": "false",
        "aria-controls": "crm-panel",
        onclick: () => this.toggle(),
      },
      chatIcon(),
      this.badge,
    );
    this.banner = h("div", { class: "banner", role: "status", hidden: true });
    this.list = h("div", { class: "list", role: "log", "aria-live": "polite", "aria-label": s.t("messages") });
    this.typing = h("div", { class: "typing", "data-testid": "crm-typing", "aria-live": "polite", hidden: true });
    this.input = h("textarea", {
      class: "input",
      rows: 1,
      dir: "auto",
      "data-testid": "crm-input",
      "aria-label": s.t("placeholder"),
      placeholder: s.t("placeholder"),
      onkeydown: (e) => this.onKey(e as KeyboardEvent),
      oninput: () => this.onInput(),
    });
    const send = h(
      "button",
      { type: "button", class: "primary send", "data-testid": "crm-send", "aria-label": s.t("send"), title: s.t("send"), onclick: () => this.submit() },
      sendIcon(),
    );
    this.chat = h("div", { class: "chat", style: { display: "flex", flexDirection: "column", flex: "1", minHeight: "0" } },
      this.list,
      this.typing,
      h("div", { class: "composer" }, this.input, send),
    );
    this.body = h("div", { style: { display: "flex", flexDirection: "column", flex: "1", minHeight: "0" } });
    this.panel = h(
      "section",
      { id: "crm-panel", class: "panel", "data-testid": "crm-panel", role: "dialog", "aria-label": title, hidden: true, dir: s.dir },
      h("div", { class: "header" },
        h("h2", null, title),
        h("button", { type: "button", class: "icon-btn", "aria-label": s.t("close"), title: s.t("close"), onclick: () => this.setOpen(false) }, "×"),
      ),
      this.banner,
      this.body,
    );
    root.append(this.launcher, this.panel);
    root.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Escape" && this.open) {
        this.setOpen(false);
        this.launcher.focus();
      }
    });
    document.addEventListener("visibilitychange", () => this.syncViewing());
    client.subscribe(() => this.render());
    this.render();
  }

  private toggle(): void {
    this.setOpen(!this.open);
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute("aria-label", this.s.t(open ? "close" : "open"));
    if (open && this.client.hasSession) {
      // Resume history on every open (fills any gap), then make sure the hub is up.
      void this.client.resume(false).then((ok) => {
        if (ok) void this.client.connect();
      });
    }
    this.syncViewing();
    this.render();
    if (open) {
      this.scrollToEnd();
      queueMicrotask(() => this.focusFirst());
    }
  }

  private focusFirst(): void {
    const target = this.client.hasSession ? this.input : this.body.querySelector<HTMLElement>("input");
    target?.focus();
  }

  private syncViewing(): void {
    this.client.setViewing(this.open && document.visibilityState === "visible");
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  private onInput(): void {
    this.autosize();
    this.client.typing(this.input.value.length > 0);
  }

  private autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim()) return;
    this.client.send(text);
    this.input.value = "";
    this.autosize();
    this.scrollToEnd();
    this.input.focus();
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  private async start(name: string, email: string, button: HTMLButtonElement): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    button.disabled = true;
    button.textContent = this.s.t("starting");
    const ok = await this.client.resume(true, { name: name.trim(), email: email.trim() });
    this.starting = false;
    if (ok) {
      void this.client.connect();
      this.render();
      this.input.focus();
    } else {
      button.disabled = false;
      button.textContent = this.s.t("start");
    }
  }

  private render(): void {
    const c = this.client;
    const unread = c.unread;
    this.badge.hidden = this.open || unread === 0;
    this.badge.textContent = unread > 9 ? "9+" : this.s.number(unread);
    this.launcher.title = unread && !this.open ? this.s.t("unread", { n: unread }) : "";

    const bannerKey: StringKey | null = c.unavailable
      ? "unavailable"
      : c.link === "reconnecting"
        ? "reconnecting"
        : c.link === "offline"
          ? "offline"
          : null;
    this.banner.hidden = bannerKey === null || !c.hasSession;
    this.banner.textContent = bannerKey ? this.s.t(bannerKey) : "";

    if (!c.hasSession) {
      if (!this.body.querySelector(".prechat")) replace(this.body, this.prechat());
      const err = this.body.querySelector(".prechat > .error");
      if (err) err.textContent = c.unavailable ? this.s.t("unavailable") : (c.formErrors.form ?? "");
      for (const field of ["name", "email"]) {
        const slot = this.body.querySelector(`[data-error-for=${field}]`);
        if (slot) slot.textContent = c.formErrors[field] ?? "";
      }
      return;
    }
    if (this.chat.parentNode !== this.body) replace(this.body, this.chat);
    this.renderMessages(c.messages);
    const typing = c.agentTyping;
    this.typing.hidden = !typing.isTyping;
    this.typing.textContent = typing.isTyping
      ? typing.agentName
        ? this.s.t("typingNamed", { name: typing.agentName })
        : this.s.t("typing")
      : "";
  }

  private prechat(): HTMLElement {
    const name = h("input", { type: "text", autocomplete: "name", "data-testid": "crm-prechat-name", maxlength: 200 });
    const email = h("input", { type: "email", autocomplete: "email", "data-testid": "crm-prechat-email", maxlength: 320 });
    const start = h("button", { type: "submit", class: "primary", "data-testid": "crm-prechat-start" }, this.s.t("start"));
    return h(
      "form",
      {
        class: "prechat",
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          void this.start(name.value, email.value, start);
        },
      },
      h("p", null, this.s.t("prechatIntro")),
      h("label", null, this.s.t("name"), name, h("span", { class: "error", "data-error-for": "name", "aria-live": "polite" })),
      h("label", null, this.s.t("email"), email, h("span", { class: "error", "data-error-for": "email", "aria-live": "polite" })),
      start,
      h("div", { class: "error", role: "alert" }),
    );
  }

  private renderMessages(messages: ChatMessage[]): void {
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 60;
    if (messages.length === 0) {
      this.rows.clear();
      replace(this.list, h("div", { class: "empty" }, this.s.t("empty")));
      return;
    }
    this.list.querySelector(".empty")?.remove();
    const seen = new Set<string>();
    let prev: ChatMessage | undefined;
    let cursor: ChildNode | null = this.list.firstChild;
    for (const m of messages) {
      const key = m.clientMessageId || m.id;
      seen.add(key);
      const showAuthor = m.direction === "outbound" && (prev?.direction !== "outbound" || prev.agentName !== m.agentName);
      let row = this.rows.get(key);
      if (!row) {
        row = this.messageRow(m);
        this.rows.set(key, row);
      }
      this.updateRow(row, m, showAuthor);
      if (row !== cursor) this.list.insertBefore(row, cursor);
      else cursor = cursor.nextSibling;
      prev = m;
    }
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
    if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  private messageRow(m: ChatMessage): HTMLElement {
    const body = h("div", { class: "bubble", "data-testid": "crm-message-body", dir: "auto" });
    body.textContent = m.body; // always text, never markup
    return h(
      "div",
      { class: "msg", "data-testid": "crm-message", "data-direction": m.direction },
      h("div", { class: "author" }),
      body,
      h("div", { class: "meta" }, h("time", null), h("span", { class: "ticks", "data-testid": "crm-message-status" })),
    );
  }

  private updateRow(row: HTMLElement, m: ChatMessage, showAuthor: boolean): void {
    row.dataset.status = m.status;
    if (m.id) row.dataset.id = m.id;
    const author = row.querySelector<HTMLElement>(".author")!;
    author.hidden = !showAuthor;
    author.textContent = showAuthor ? m.agentName || this.s.t("agent") : "";
    const time = row.querySelector("time")!;
    time.dateTime = m.createdAt;
    time.textContent = this.s.time(m.createdAt);
    const ticks = row.querySelector<HTMLElement>(".ticks")!;
    const meta = row.querySelector<HTMLElement>(".meta")!;
    meta.querySelector(".retry")?.remove();
    meta.querySelector(".error")?.remove();
    if (m.direction === "inbound") {
      ticks.dataset.status = m.status;
      ticks.textContent = tickGlyph(m.status);
      ticks.setAttribute("aria-label", this.s.t(m.status));
      ticks.title = this.s.t(m.status);
      if (m.status === "failed") {
        meta.append(h("span", { class: "error" }, m.error === "tooLong" ? this.s.t("tooLong") : m.error || this.s.t("failed")));
        meta.append(
          h("button", { type: "button", class: "retry", "data-testid": "crm-retry", onclick: () => this.client.retry(m.clientMessageId ?? "") }, this.s.t("retry")),
        );
      }
    } else {
      ticks.textContent = "";
      ticks.removeAttribute("aria-label");
    }
    this.updateSurvey(row, m);
  }

  /** A survey question's buttons (one per score); once answered, the score the visitor gave. */
  private updateSurvey(row: HTMLElement, m: ChatMessage): void {
    const survey = m.survey;
    const state = survey ? `${survey.open}:${survey.score ?? ""}` : "";
    const current = row.querySelector<HTMLElement>(".survey");
    if (!survey) {
      current?.remove();
      return;
    }
    if (current?.dataset.state === state) return;
    const card = h("div", { class: "survey", "data-testid": "crm-survey", "data-state": state });
    if (survey.score !== null) {
      card.append(h("p", { class: "survey-done", "data-testid": "crm-survey-done", role: "status" }, this.s.t("surveyThanks", { n: this.s.number(survey.score) })));
    } else if (!survey.open) {
      card.append(h("p", { class: "survey-done" }, this.s.t("surveyClosed")));
    } else {
      const error = h("p", { class: "error", role: "alert" });
      const buttons = h("div", { class: "survey-scale", role: "group", "aria-label": this.s.t("surveyScale") });
      for (let score = survey.min; score <= survey.max; score++) {
        buttons.append(h("button", {
          type: "button",
          class: "survey-score",
          "data-testid": "crm-survey-score",
          "data-score": String(score),
          onclick: () => {
            for (const b of buttons.querySelectorAll("button")) b.disabled = true;
            void this.client.answerSurvey(survey.id, score).then((ok) => {
              if (ok) return;
              for (const b of buttons.querySelectorAll("button")) b.disabled = false;
              error.textContent = this.s.t("surveyFailed");
            });
          },
        }, this.s.number(score)));
      }
      const low = `${survey.kind}Low` as StringKey;
      const high = `${survey.kind}High` as StringKey;
      card.append(buttons, h("div", { class: "survey-ends" }, h("span", null, this.s.t(low)), h("span", null, this.s.t(high))), error);
    }
    if (current) current.replaceWith(card);
    else row.querySelector(".bubble")!.after(card);
  }
}
