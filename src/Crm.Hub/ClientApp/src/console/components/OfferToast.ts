// Offers made to me: a toast per offer with a live countdown to expiresAt and a progress bar.
// Keyboard: `a` accepts the newest offer, `d` declines it (ignored while typing in a field).
import { api, ApiError, problemText } from "../api";
import { t } from "../i18n";
import { navigate } from "../router";
import type { Scope } from "../scope";
import { store, type Offer } from "../store";
import { h } from "../../shared/h";
import { ChannelBadge } from "./ChannelBadge";
import { showTab } from "./ConversationList";

export function OfferToast(scope: Scope): HTMLElement {
  // Each toast is role="alert", which screen readers announce as it appears.
  const region = h("section", { class: "offers", "aria-label": t("offer.region") });
  const busy = new Set<string>();

  const accept = async (offer: Offer) => {
    if (busy.has(offer.conversationId)) return;
    busy.add(offer.conversationId);
    try {
      const c = await api.accept(offer.conversationId);
      store.upsertConversation(c);
      store.removeOffer(offer.conversationId);
      showTab("mine");
      navigate({ page: "inbox", conversationId: c.id });
    } catch (err) {
      store.removeOffer(offer.conversationId);
      store.notify(err instanceof ApiError && err.status === 409 ? err.problem.detail || t("offer.gone") : problemText(err));
    } finally {
      busy.delete(offer.conversationId);
    }
  };

  const decline = async (offer: Offer) => {
    if (busy.has(offer.conversationId)) return;
    busy.add(offer.conversationId);
    store.removeOffer(offer.conversationId);
    try {
      await api.decline(offer.conversationId);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) store.notify(problemText(err));
    } finally {
      busy.delete(offer.conversationId);
    }
  };

  const toasts = new Map<string, { el: HTMLElement; bar: HTMLElement; left: HTMLElement; offer: Offer; expiring?: boolean }>();

  const render = () => {
    const ids = new Set(store.offers.map((o) => o.conversationId));
    for (const [id, toast] of toasts) {
      if (!ids.has(id)) {
        toast.el.remove();
        toasts.delete(id);
      }
    }
    for (const offer of store.offers) {
      if (toasts.has(offer.conversationId)) continue;
      const c = offer.conversation;
      const bar = h("div", { class: "offer-bar", "aria-hidden": "true" });
      const left = h("span", { class: "offer-left", "data-testid": "offer-countdown" });
      const name = h("strong", { dir: "auto" });
      name.textContent = c?.contactName || t("thread.customer");
      const preview = h("div", { class: "offer-preview", dir: "auto" });
      preview.textContent = c?.lastMessagePreview ?? "";
      const el = h(
        "div",
        { class: "offer", role: "alert", "data-testid": "offer", "data-conversation-id": offer.conversationId },
        h("div", { class: "offer-head" }, h("span", { class: "offer-title" }, t("offer.title")), left),
        h("div", { class: "offer-who" }, name, c ? ChannelBadge(c.channel) : null, c ? h("span", { class: "conv-number" }, t("conv.number", { n: c.number })) : null),
        preview,
        h("div", { class: "offer-progress" }, bar),
        h(
          "div",
          { class: "offer-actions" },
          h("button", { type: "button", class: "btn btn-primary", "data-testid": "offer-accept", onclick: () => void accept(offer) }, t("offer.accept")),
          h("button", { type: "button", class: "btn", "data-testid": "offer-decline", onclick: () => void decline(offer) }, t("offer.decline")),
          h("span", { class: "offer-keys muted", "aria-hidden": "true" }, t("offer.keys")),
        ),
      );
      toasts.set(offer.conversationId, { el, bar, left, offer });
      region.prepend(el); // newest on top
    }
    tick();
  };

  const tick = () => {
    const now = Date.now();
    for (const toast of toasts.values()) {
      const { bar, left, offer } = toast;
      const end = new Date(offer.expiresAt).getTime();
      const start = new Date(offer.offeredAt).getTime();
      const remaining = Math.max(0, end - now);
      const total = Math.max(1, end - (Number.isFinite(start) && start < end ? start : now));
      bar.style.inlineSize = `${Math.min(100, (remaining / total) * 100)}%`;
      left.textContent = t("offer.left", { s: Math.ceil(remaining / 1000) });
      if (remaining === 0 && !toast.expiring) {
        toast.expiring = true;
        window.setTimeout(() => store.removeOffer(offer.conversationId), 1000);
      }
    }
  };

  const timer = window.setInterval(tick, 250);
  scope.add(() => window.clearInterval(timer));
  scope.add(store.on("offers", render));

  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const newest = store.offers[store.offers.length - 1];
    if (!newest) return;
    const key = e.key.toLowerCase();
    if (key === "a") {
      e.preventDefault();
      void accept(newest);
    } else if (key === "d") {
      e.preventDefault();
      void decline(newest);
    }
  };
  document.addEventListener("keydown", onKey);
  scope.add(() => document.removeEventListener("keydown", onKey));

  render();
  return region;
}
