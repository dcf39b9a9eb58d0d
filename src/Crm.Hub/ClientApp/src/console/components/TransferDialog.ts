// Transfer a conversation to an agent or a team (lists from GET /agents and /teams).
import { api, problemText } from "../api";
import { t } from "../i18n";
import { store } from "../store";
import { h } from "../../shared/h";

export async function loadDirectory(force = false): Promise<void> {
  if (!force && store.agents.length && store.teams.length) return;
  // A team or agent created while this request was in flight is newer than its answer: ask again
  // rather than overwrite it with the older list.
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = store.directoryVersion;
    const [agents, teams] = await Promise.all([api.agents(), api.teams()]);
    if (store.directoryVersion === before) {
      store.setDirectory(agents, teams);
      return;
    }
  }
}

export function openTransferDialog(conversationId: string): void {
  const c = store.conversations.get(conversationId);
  const agent = h("select", { id: "transfer-agent", "data-testid": "transfer-agent" });
  const team = h("select", { id: "transfer-team", "data-testid": "transfer-team" });
  const note = h("textarea", { id: "transfer-note", "data-testid": "transfer-note", rows: 2 });
  const error = h("div", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "transfer-submit" }, t("transfer.submit"));

  const fill = () => {
    const current = agent.value;
    agent.replaceChildren(
      h("option", { value: "" }, t("transfer.none")),
      ...store.agents
        .filter((a) => a.id !== c?.assigneeId)
        .map((a) => {
          const o = h("option", { value: a.id });
          o.textContent = `${a.displayName} · ${t(`presence.${a.presence}`)}`;
          return o;
        }),
    );
    agent.value = current;
    const currentTeam = team.value;
    team.replaceChildren(
      h("option", { value: "" }, t("transfer.none")),
      ...store.teams.map((x) => {
        const o = h("option", { value: x.id });
        o.textContent = x.name;
        return o;
      }),
    );
    team.value = currentTeam;
  };
  fill();
  // Picking one clears the other: a transfer goes to an agent or a team.
  agent.addEventListener("change", () => agent.value && (team.value = ""));
  team.addEventListener("change", () => team.value && (agent.value = ""));

  const dialog = h(
    "dialog",
    { class: "dialog", "data-testid": "transfer-dialog", "aria-labelledby": "transfer-title" },
    h(
      "form",
      {
        method: "dialog",
        onsubmit: async (e) => {
          e.preventDefault();
          if (!agent.value && !team.value) {
            error.textContent = t("transfer.pickOne");
            error.hidden = false;
            return;
          }
          submit.disabled = true;
          try {
            const body: { agentId?: string; teamId?: string; note?: string } = {};
            if (agent.value) body.agentId = agent.value;
            if (team.value) body.teamId = team.value;
            if (note.value.trim()) body.note = note.value.trim();
            store.upsertConversation(await api.transfer(conversationId, body));
            dialog.close();
          } catch (err) {
            error.textContent = problemText(err);
            error.hidden = false;
          } finally {
            submit.disabled = false;
          }
        },
      },
      h("h2", { id: "transfer-title" }, t("transfer.title", { n: c?.number ?? 0 })),
      h("div", { class: "field" }, h("label", { for: "transfer-agent" }, t("transfer.agent")), agent),
      h("div", { class: "field" }, h("label", { for: "transfer-team" }, t("transfer.team")), team),
      h("div", { class: "field" }, h("label", { for: "transfer-note" }, t("transfer.note")), note),
      error,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "btn", "data-testid": "transfer-cancel", onclick: () => dialog.close() }, t("transfer.cancel")),
        submit,
      ),
    ),
  );
  const off = store.on("directory", fill);
  dialog.addEventListener("close", () => {
    off();
    dialog.remove();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  loadDirectory(true).catch((err) => {
    error.textContent = problemText(err);
    error.hidden = false;
  });
}
