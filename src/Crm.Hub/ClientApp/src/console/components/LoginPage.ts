// The sign-in screen. Shows the server's problem detail on failure, including rate limiting (429).
import { api, ApiError, problemText } from "../api";
import { currentLocale, setLocale, t } from "../i18n";
import { h } from "../../shared/h";
import type { AgentView } from "../types";

export function LoginPage(onSignedIn: (me: AgentView) => void, onLocale: () => void): HTMLElement {
  const email = h("input", { id: "login-email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("div", { class: "form-error", role: "alert", "data-testid": "login-error", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", "data-testid": "login-submit" }, t("login.submit"));

  const form = h(
    "form",
    {
      class: "login-card",
      "aria-labelledby": "login-title",
      onsubmit: async (e) => {
        e.preventDefault();
        error.hidden = true;
        submit.disabled = true;
        submit.textContent = t("login.signingIn");
        try {
          const me = await api.login(email.value.trim(), password.value);
          onSignedIn(me);
        } catch (err) {
          error.textContent = loginError(err);
          error.hidden = false;
          password.select();
        } finally {
          submit.disabled = false;
          submit.textContent = t("login.submit");
        }
      },
    },
    h("div", { class: "login-brand" }, h("span", { class: "logo", "aria-hidden": "true" }, "◆"), t("appName")),
    h("h1", { id: "login-title" }, t("login.title")),
    h("p", { class: "muted" }, t("login.subtitle")),
    h("div", { class: "field" }, h("label", { for: "login-email" }, t("login.email")), email),
    h("div", { class: "field" }, h("label", { for: "login-password" }, t("login.password")), password),
    error,
    submit,
    h(
      "button",
      {
        type: "button",
        class: "btn btn-link",
        "data-testid": "lang-toggle",
        "aria-label": t("lang.label"),
        onclick: () => {
          setLocale(currentLocale() === "fa" ? "en" : "fa");
          onLocale();
        },
      },
      t("lang.other"),
    ),
  );
  queueMicrotask(() => email.focus());
  return h("main", { class: "login-page" }, form);
}

function loginError(err: unknown): string {
  if (err instanceof ApiError && err.status === 429) {
    const detail = err.problem.detail;
    if (!detail) return err.retryAfter ? t("login.rateLimited", { s: err.retryAfter }) : t("login.rateLimitedNoWait");
    return err.retryAfter ? `${detail} ${t("login.retryIn", { s: err.retryAfter })}` : detail;
  }
  if (err instanceof ApiError) return err.problem.detail || err.problem.title || t("login.failed");
  return problemText(err) || t("login.failed");
}
