// The routing policy's history: every saved change is a version (who, when, what), and any earlier one can be restored
// — which is itself a new version, so nothing is ever lost.
import { api, problemText, type PolicyVersionView } from "../api";
import { fullTime, num, t, when } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";

export function PolicyHistory(scope: Scope, restored: () => void, loaded: (versions: PolicyVersionView[]) => void): { el: HTMLElement; refresh: () => void } {
  let alive = true;
  scope.add(() => (alive = false));
  const body = h("div", { "data-testid": "policy-history" }, h("p", { class: "muted" }, t("routing.loading")));
  const refresh = (): void =>
    void api
      .policyVersions()
      .then((versions) => {
        if (!alive) return;
        loaded(versions);
        replace(body, versions.length ? table(versions, restored) : h("p", { class: "empty-state" }, t("routing.history.empty")));
      })
      .catch((err) => alive && replace(body, h("div", { class: "form-error" }, problemText(err))));
  const el = h("section", { class: "panel" }, h("h2", null, t("routing.history")), h("p", { class: "muted" }, t("routing.history.help")), body);
  return { el, refresh };
}

function table(versions: PolicyVersionView[], restored: () => void): HTMLElement {
  const latest = versions[0]?.version;
  return h(
    "table",
    { class: "table" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("routing.col.version")), h("th", { scope: "col" }, t("routing.history.when")),
      h("th", { scope: "col" }, t("routing.history.who")), h("th", { scope: "col" }, t("routing.history.change")), h("th", null, ""))),
    h(
      "tbody",
      null,
      versions.map((v) => {
        const who = h("td", { dir: "auto" });
        who.textContent = v.savedBy;
        const change = h("td", { dir: "auto" });
        change.textContent = v.change;
        const restore = h("button", { type: "button", class: "btn btn-small", "data-testid": "policy-restore" }, t("routing.history.restore"));
        restore.addEventListener("click", () => {
          if (!confirm(t("routing.history.confirm", { n: num(v.version) }))) return;
          restore.disabled = true;
          void api
            .restorePolicyVersion(v.version)
            .then((r) => {
              store.notify(t("routing.history.restored", { n: num(v.version), now: num(r.version) }), "info");
              restored();
            })
            .catch((err) => store.notify(problemText(err)))
            .finally(() => (restore.disabled = false));
        });
        return h(
          "tr",
          { "data-testid": "policy-version", "data-version": String(v.version) },
          h("td", null, `v${num(v.version)}`, v.version === latest ? [" ", h("span", { class: "badge" }, t("routing.history.current"))] : null),
          h("td", { title: fullTime(v.savedAt) }, when(v.savedAt)),
          who,
          change,
          h("td", null, v.version === latest ? null : restore),
        );
      }),
    ),
  );
}
