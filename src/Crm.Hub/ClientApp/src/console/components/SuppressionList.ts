// The admin's suppression list: every address nobody is messaged at (opted out, or mail bounced), why and since when,
// with search, a channel filter, CSV export, opting an address out by hand and putting one back (with a reason).
import { problemText } from "../api";
import { fullTime, num, t } from "../i18n";
import type { Scope } from "../scope";
import { h, replace } from "../../shared/h";
import { CHANNELS } from "../types";
import { remindersApi, type SuppressionEntry, type SuppressionFilter } from "../remindersApi";
import { ChannelBadge } from "./ChannelBadge";
import { clearErrors, field, showErrors } from "./forms";

export function SuppressionList(scope: Scope): HTMLElement {
  const filter: SuppressionFilter = { page: 1 };
  const box = h("div", { class: "table-wrap", "aria-live": "polite" });
  const summary = h("div", { class: "muted", "data-testid": "suppressions-total" });
  const pager = h("div", { class: "pager" });
  const exportLink = h("a", { class: "btn", "data-testid": "suppressions-export", download: "suppressions.csv" }, t("suppressions.export"));
  const status = h("div", { class: "form-success", role: "status" });
  let timer: number | undefined;

  const load = async () => {
    exportLink.setAttribute("href", remindersApi.suppressionsCsvUrl(filter));
    try {
      const page = await remindersApi.suppressions(filter);
      summary.textContent = t("suppressions.total", { n: num(page.total) });
      render(page.entries);
      const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
      const prev = h("button", { type: "button", class: "btn btn-sm", disabled: page.page <= 1 }, t("suppressions.prev"));
      const next = h("button", { type: "button", class: "btn btn-sm", disabled: page.page >= pages, "data-testid": "suppressions-next" }, t("suppressions.next"));
      prev.addEventListener("click", () => go(page.page - 1));
      next.addEventListener("click", () => go(page.page + 1));
      replace(pager, pages > 1 ? [prev, h("span", null, t("suppressions.page", { page: num(page.page), pages: num(pages) })), next] : []);
    } catch (err) {
      replace(box, h("div", { class: "form-error" }, problemText(err)));
    }
  };
  const go = (page: number) => {
    filter.page = page;
    void load();
  };

  const render = (entries: SuppressionEntry[]) => {
    if (!entries.length) {
      replace(box, h("div", { class: "empty-state", "data-testid": "suppressions-empty" }, filter.q || filter.channel ? t("suppressions.noMatch") : t("suppressions.empty")));
      return;
    }
    replace(
      box,
      h(
        "table",
        { class: "table", "data-testid": "suppressions-table" },
        h("thead", null, h("tr", null, (["channel", "address", "contact", "since", "source", "actions"] as const).map((k) => h("th", { scope: "col" }, t(`suppressions.col.${k}`))))),
        h(
          "tbody",
          null,
          entries.map((e) => {
            const address = h("td", { dir: "ltr" });
            address.textContent = e.address;
            const contact = h("td", { dir: "auto" });
            contact.textContent = e.contactName ?? "—";
            const source = h("td", null, h("span", { class: "badge", "data-source": e.source }, t(`suppressions.source.${e.source}`)));
            if (e.reason) {
              const reason = h("div", { class: "muted" });
              reason.textContent = e.reason;
              source.append(reason);
            }
            const back = h("button", { type: "button", class: "btn btn-sm", "data-testid": "suppression-resubscribe" }, t("suppressions.resubscribe"));
            back.addEventListener("click", () => openResubscribe(e, () => void load()));
            return h(
              "tr",
              { "data-testid": "suppression-row" },
              h("td", null, ChannelBadge(e.channel)),
              address,
              contact,
              h("td", null, h("time", { datetime: e.since }, fullTime(e.since))),
              source,
              h("td", null, back),
            );
          }),
        ),
      ),
    );
  };

  const search = h("input", { id: "suppressions-search", type: "search", autocomplete: "off", "data-testid": "suppressions-search", placeholder: t("suppressions.searchHint") });
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      filter.q = search.value.trim() || undefined;
      go(1);
    }, 250);
  });
  scope.add(() => window.clearTimeout(timer));
  const channel = h(
    "select",
    { id: "suppressions-channel", "data-testid": "suppressions-channel" },
    h("option", { value: "" }, t("suppressions.allChannels")),
    CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}`))),
  );
  channel.addEventListener("change", () => {
    filter.channel = channel.value || undefined;
    go(1);
  });

  void load();
  return h(
    "section",
    { class: "panel", "data-testid": "suppressions", "aria-labelledby": "suppressions-title" },
    h("h2", { id: "suppressions-title" }, t("suppressions.title")),
    h("p", { class: "muted" }, t("suppressions.intro")),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "suppressions-search", class: "sr-only" }, t("suppressions.search")),
      search,
      h("label", { for: "suppressions-channel", class: "sr-only" }, t("suppressions.channel")),
      channel,
      exportLink,
    ),
    summary,
    status,
    box,
    pager,
    addForm(status, () => go(1)),
  );
}

function addForm(status: HTMLElement, done: () => void): HTMLElement {
  const channel = h("select", { id: "suppress-channel", "data-testid": "suppress-channel" }, CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}`))));
  const address = h("input", { id: "suppress-address", type: "text", autocomplete: "off", dir: "ltr", "data-testid": "suppress-address" });
  const reason = h("input", { id: "suppress-reason", type: "text", autocomplete: "off", maxlength: 500, "data-testid": "suppress-reason" });
  const fChannel = field("suppress-channel", t("suppressions.channel"), channel);
  const fAddress = field("suppress-address", t("suppressions.address"), address);
  const fReason = field("suppress-reason", t("suppressions.reason"), reason);
  const formError = h("div", { class: "form-error", role: "alert", hidden: true });
  const slots = { channel: fChannel.error, address: fAddress.error, reason: fReason.error };
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "suppress-submit" }, t("suppressions.add"));
  return h(
    "form",
    {
      class: "form form-inline",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          await remindersApi.suppress(channel.value, address.value.trim(), reason.value.trim() || null);
          clearErrors(slots, formError);
          status.textContent = t("suppressions.added", { address: address.value.trim() });
          (e.target as HTMLFormElement).reset();
          done();
        } catch (err) {
          showErrors(err, slots, formError);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h3", null, t("suppressions.add")),
    fChannel.el,
    fAddress.el,
    fReason.el,
    formError,
    submit,
  );
}

function openResubscribe(entry: SuppressionEntry, done: () => void): void {
  const reason = h("textarea", { id: "resubscribe-reason", rows: 3, maxlength: 500, required: true, "data-testid": "resubscribe-reason" });
  const fReason = field("resubscribe-reason", t("suppressions.reasonRequired"), reason);
  const formError = h("div", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "resubscribe-save" }, t("suppressions.resubscribe"));
  const title = h("h2", { id: "resubscribe-title", dir: "auto" });
  title.textContent = t("suppressions.resubscribeTitle", { address: entry.address });
  const dialog = h(
    "dialog",
    { class: "dialog", "aria-labelledby": "resubscribe-title", "data-testid": "resubscribe-dialog" },
    h(
      "form",
      {
        method: "dialog",
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          submit.disabled = true;
          try {
            await remindersApi.resubscribe(entry.channel, entry.address, reason.value.trim());
            dialog.close();
            done();
          } catch (err) {
            showErrors(err, { reason: fReason.error }, formError);
          } finally {
            submit.disabled = false;
          }
        },
      },
      title,
      h("p", { class: "muted" }, t("suppressions.resubscribeWarning")),
      fReason.el,
      formError,
      h("div", { class: "dialog-actions" }, h("button", { type: "button", class: "btn", onclick: () => dialog.close() }, t("reminder.close")), submit),
    ),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  reason.focus();
}
