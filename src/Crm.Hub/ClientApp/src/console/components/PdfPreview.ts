// A fax's PDF shown in the thread: pdf.js renders a page into a canvas (loaded on first use, worker bundled by
// Vite), with the page count and paging. A PDF that won't parse says why and keeps its download link.
import { t, num } from "../i18n";
import { h } from "../../shared/h";
import type { Attachment } from "../types";

type PdfJs = typeof import("pdfjs-dist");
let pdfjs: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= Promise.all([import("pdfjs-dist"), import("pdfjs-dist/build/pdf.worker.min.mjs?url")]).then(([lib, worker]) => {
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  });
  return pdfjs;
}

export function PdfPreview(a: Attachment, url: string): HTMLElement {
  const canvas = h("canvas", { class: "pdf-canvas", "data-testid": "pdf-canvas", "aria-label": a.fileName });
  const count = h("span", { class: "pdf-page-count", "data-testid": "pdf-page-count" }, a.pages ? t("thread.pages", { n: num(a.pages) }) : "");
  const pageLabel = h("span", { class: "muted", "aria-live": "polite" });
  const prev = h("button", { type: "button", class: "btn btn-small", "aria-label": t("thread.prevPage"), disabled: true }, "‹");
  const next = h("button", { type: "button", class: "btn btn-small", "aria-label": t("thread.nextPage"), disabled: true }, "›");
  const open = h("a", { href: url, target: "_blank", rel: "noopener", class: "btn btn-small" }, t("thread.openPdf"));
  const error = h("div", { class: "form-error", hidden: true, role: "status" });
  const root = h(
    "figure",
    { class: "pdf-preview", "data-testid": "pdf-preview" },
    canvas,
    h("figcaption", { class: "pdf-bar" }, count, prev, pageLabel, next, open),
    error,
  );

  let page = 1;
  let total = 0;
  let doc: import("pdfjs-dist").PDFDocumentProxy | null = null;
  let rendering: import("pdfjs-dist").RenderTask | null = null;

  const fail = (err: unknown) => {
    error.textContent = t("thread.pdfFailed", { reason: err instanceof Error ? err.message : String(err) });
    error.hidden = false;
  };

  const show = async (n: number) => {
    if (!doc || n < 1 || n > total) return;
    page = n;
    // Paging quickly: one canvas can't take two renders at once, so the one still drawing is cancelled.
    rendering?.cancel();
    const p = await doc.getPage(n);
    if (page !== n) return;
    const viewport = p.getViewport({ scale: 1 });
    const scale = Math.min(1.5, 320 / viewport.width) * (window.devicePixelRatio || 1);
    const scaled = p.getViewport({ scale });
    canvas.width = Math.floor(scaled.width);
    canvas.height = Math.floor(scaled.height);
    canvas.style.width = `${Math.floor(scaled.width / (window.devicePixelRatio || 1))}px`;
    const task = p.render({ canvas, viewport: scaled });
    rendering = task;
    try {
      await task.promise;
    } catch (err) {
      if (err instanceof Error && err.name === "RenderingCancelledException") return;
      throw err;
    } finally {
      if (rendering === task) rendering = null;
    }
    error.hidden = true;
    pageLabel.textContent = t("thread.page", { n: num(page), total: num(total) });
    prev.disabled = page <= 1;
    next.disabled = page >= total;
    root.dataset.rendered = String(page);
  };
  prev.addEventListener("click", () => show(page - 1).catch(fail));
  next.addEventListener("click", () => show(page + 1).catch(fail));

  // Render when the preview scrolls into view, so a long fax thread doesn't parse every PDF at once.
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    loadPdfJs()
      .then((lib) => lib.getDocument({ url, withCredentials: true }).promise)
      .then(async (d) => {
        doc = d;
        total = d.numPages;
        count.textContent = t("thread.pages", { n: num(total) });
        root.dataset.pages = String(total);
        await show(1);
      })
      .catch((err: unknown) => {
        fail(err);
        if (!root.dataset.rendered) canvas.hidden = true;
      });
  });
  observer.observe(root);
  return root;
}
