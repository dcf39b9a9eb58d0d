// Importing contacts from a CSV: pick a file, check the preview and the column mapping the hub suggests, import, watch
// the progress bar (pushed live as ContactImportProgress, polled as a fallback), then read the report and download the
// rows that were not imported.
import { ApiError, problemText } from "../api";
import { audienceApi, campaignAudience, type ImportColumn, type ImportPreview, type ImportView } from "../audienceApi";
import { num, t, type Key } from "../i18n";
import { navigate } from "../router";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { CHANNELS } from "../types";

export function ContactImport(scope: Scope): HTMLElement {
  const body = h("div", { class: "contact-import", "data-testid": "contact-import" });
  let alive = true;
  scope.add(() => (alive = false));

  const pick = (): void => {
    const file = h("input", { type: "file", accept: ".csv,text/csv,text/plain", id: "import-file", "data-testid": "import-file" });
    const error = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "import-error" });
    file.addEventListener("change", async () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      error.hidden = true;
      file.disabled = true;
      try {
        const preview = await audienceApi.uploadContacts(chosen);
        if (alive) review(preview);
      } catch (err) {
        error.textContent = err instanceof ApiError && err.problem.errors ? Object.values(err.problem.errors).flat().join(" ") : problemText(err);
        error.hidden = false;
      } finally {
        file.disabled = false;
        file.value = "";
      }
    });
    replace(body, h("label", { for: "import-file", class: "file-pick" }, t("import.pick")), file, h("p", { class: "muted" }, t("import.pickHelp")), error);
  };

  const review = (preview: ImportPreview): void => {
    const columns = preview.headers.map((_, i) => {
      const suggested = preview.suggestedMapping.find((c) => c.column === i);
      return { column: i, field: suggested?.field ?? "ignore", key: suggested?.key ?? "", channel: suggested?.channel ?? "sms" };
    });
    const hasHeader = h("input", { type: "checkbox", checked: preview.hasHeader, "data-testid": "import-has-header" });
    const error = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "import-error" });
    const start = h("button", { type: "button", class: "btn btn-primary", "data-testid": "import-start" }, t("import.start"));
    const cancel = h("button", { type: "button", class: "btn", onclick: pick }, t("import.cancel"));
    start.addEventListener("click", async () => {
      error.hidden = true;
      start.disabled = true;
      const mapping: ImportColumn[] = columns
        .filter((c) => c.field !== "ignore")
        .map((c) => ({ column: c.column, field: c.field, key: c.field === "attribute" ? c.key : null, channel: c.field === "consent" ? c.channel : null }));
      try {
        const started = await audienceApi.startImport(preview.id, hasHeader.checked, mapping);
        if (alive) watch(started);
      } catch (err) {
        error.textContent = err instanceof ApiError && err.problem.errors ? Object.values(err.problem.errors).flat().join(" ") : problemText(err);
        error.hidden = false;
      } finally {
        start.disabled = false;
      }
    });
    const mappingCell = (c: (typeof columns)[number]): HTMLElement => {
      const select = h("select", { "data-testid": "import-field", "aria-label": t("import.fieldFor", { column: preview.headers[c.column] ?? "" }) },
        preview.fields.map((f) => h("option", { value: f }, t(`import.field.${f}` as Key))));
      select.value = c.field;
      const key = h("input", { type: "text", dir: "ltr", value: c.key, "aria-label": t("import.attributeKey"), placeholder: t("import.attributeKey"), "data-testid": "import-key" });
      key.addEventListener("input", () => (c.key = key.value));
      const channel = h("select", { "aria-label": t("import.consentChannel"), "data-testid": "import-channel" }, CHANNELS.map((ch) => h("option", { value: ch }, t(`channel.${ch}` as Key))));
      channel.value = c.channel;
      channel.addEventListener("change", () => (c.channel = channel.value));
      const extra = h("div", { class: "import-extra" });
      const showExtra = (): void => replace(extra, c.field === "attribute" ? key : c.field === "consent" ? channel : null);
      select.addEventListener("change", () => {
        c.field = select.value;
        showExtra();
      });
      showExtra();
      return h("th", { scope: "col" }, h("div", { class: "import-header", dir: "auto" }, preview.headers[c.column] ?? ""), select, extra);
    };
    replace(
      body,
      h("p", { "data-testid": "import-shape" }, t("import.shape", { file: preview.fileName, delimiter: delimiterName(preview.delimiter), rows: num(preview.rows.length) })),
      h("label", { class: "check" }, hasHeader, " ", t("import.hasHeader")),
      h("div", { class: "table-wrap" },
        h("table", { class: "table import-preview", "data-testid": "import-preview" },
          h("thead", null, h("tr", null, columns.map(mappingCell))),
          h("tbody", null, preview.rows.map((row) => h("tr", null, columns.map((c) => {
            const cell = h("td", { dir: "auto" });
            cell.textContent = row[c.column] ?? "";
            return cell;
          })))))),
      error,
      h("div", { class: "form-actions" }, start, cancel),
    );
  };

  const watch = (started: ImportView): void => {
    const bar = h("div", { class: "import-bar-fill" });
    const progress = h("div", { class: "import-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "data-testid": "import-progress" }, bar);
    const counts = h("p", { role: "status", "aria-live": "polite", "data-testid": "import-counts" });
    const report = h("div", { "data-testid": "import-report" });
    let finished = false;
    const show = (v: ImportView): void => {
      if (v.id !== started.id || finished) return;
      const percent = v.status === "completed" ? 100 : v.totalRows > 0 ? Math.floor((100 * v.rowsDone) / v.totalRows) : 0;
      bar.style.inlineSize = `${percent}%`;
      progress.setAttribute("aria-valuenow", String(percent));
      progress.dataset.percent = String(percent);
      progress.dataset.status = v.status;
      counts.textContent = t("import.progress", { done: num(v.rowsDone), total: num(v.totalRows), percent: num(percent) });
      if (v.status !== "completed" && v.status !== "failed") return;
      finished = true;
      window.clearInterval(poll);
      const audience = v.created + v.updated > 0 ? useAsAudience(v) : null;
      const link = v.errorReportUrl
        ? h("a", { href: v.errorReportUrl, download: "", class: "btn", "data-testid": "import-error-report" }, t("import.downloadErrors", { n: num(v.errors) }))
        : null;
      replace(
        report,
        h("h3", null, v.status === "completed" ? t("import.done") : t("import.failed")),
        v.failure ? h("p", { class: "form-error", dir: "auto" }, v.failure) : null,
        h("ul", { class: "import-summary" },
          h("li", { "data-testid": "import-created" }, (v.created === 1 ? t("import.createdOne") : t("import.created", { n: num(v.created) }))),
          h("li", { "data-testid": "import-updated" }, (v.updated === 1 ? t("import.updatedOne") : t("import.updated", { n: num(v.updated) }))),
          h("li", { "data-testid": "import-skipped" }, (v.skipped === 1 ? t("import.skippedOne") : t("import.skipped", { n: num(v.skipped) })))),
        v.errors === 0 ? h("p", { class: "muted" }, t("import.noErrors")) : h("p", null, t("import.someErrors")),
        audience,
        h("div", { class: "form-actions" }, link, h("button", { type: "button", class: "btn btn-primary", "data-testid": "import-again", onclick: pick }, t("import.again"))),
      );
    };
    scope.add(store.on("imports", (json) => {
      if (json) show(JSON.parse(json) as ImportView);
    }));
    // Pushes are the fast path; a poll covers a console that was reconnecting while the import ran.
    const poll = window.setInterval(() => void audienceApi.contactImport(started.id).then((v) => alive && show(v)).catch(() => undefined), 2000);
    scope.add(() => window.clearInterval(poll));
    replace(body, h("p", null, t("import.running", { file: started.fileName })), progress, counts, report);
    show(started);
  };

  pick();
  return body;
}

/** "Use as campaign audience": a segment of exactly this import's contacts, then the campaign form with it chosen. */
function useAsAudience(v: ImportView): HTMLElement {
  const error = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "import-audience-error" });
  const button = h("button", { type: "button", class: "btn btn-primary", "data-testid": "import-use-audience" }, t("import.useAsAudience"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      const segment = await audienceApi.segmentFromImport(v.id);
      campaignAudience.offer(segment.id);
      navigate({ page: "campaigns" });
    } catch (err) {
      error.textContent = problemText(err);
      error.hidden = false;
      button.disabled = false;
    }
  });
  return h("div", { class: "import-audience" }, h("p", { class: "muted" }, t("import.useAsAudienceHelp")), button, error);
}

function delimiterName(d: string): string {
  switch (d) {
    case ",":
      return t("import.delimiter.comma");
    case ";":
      return t("import.delimiter.semicolon");
    case "\t":
      return t("import.delimiter.tab");
    default:
      return d;
  }
}
