// Administration (role admin): agents and teams, with forms to create both. Validation errors from
// the server's problem details ({errors: {field: [messages]}}) are shown next to their fields.
import { api, problemText } from "../api";
import { num, t } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { CHANNELS, type AgentInput, type Role } from "../types";
import { ChannelBadge } from "./ChannelBadge";
import { ChannelsAdmin } from "./ChannelsAdmin";
import { SuppressionList } from "./SuppressionList";
import { clearErrors, field, showErrors } from "./forms";
import { WeightedCapacityFields } from "./WeightedCapacityFields";
import { loadDirectory } from "./TransferDialog";

const ROLES: Role[] = ["agent", "supervisor", "marketer", "admin"];

export function AdminPage(scope: Scope): HTMLElement {
  if (store.me?.role !== "admin") {
    return h("main", { class: "page" }, h("div", { class: "empty-state" }, t("admin.forbidden")));
  }
  const agentsBox = h("div", { class: "table-wrap" });
  const teamsBox = h("div");
  const status = h("div", { class: "form-success", role: "status", "data-testid": "admin-status" });

  const renderAgents = () => {
    const teamName = new Map(store.teams.map((x) => [x.id, x.name]));
    if (!store.agents.length) {
      replace(agentsBox, h("div", { class: "empty-state" }, t("admin.noAgents")));
      return;
    }
    replace(
      agentsBox,
      h(
        "table",
        { class: "table", "data-testid": "agents-table" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            (["name", "email", "role", "teams", "presence", "capacity", "skills", "autoAccept"] as const).map((k) => h("th", { scope: "col" }, t(`admin.col.${k}`))),
          ),
        ),
        h(
          "tbody",
          null,
          store.agents.map((a) => {
            const cells = [a.displayName, a.email].map((v) => {
              const td = h("td");
              td.textContent = v;
              return td;
            });
            return h(
              "tr",
              { "data-testid": "agent-row", "data-agent-id": a.id },
              cells,
              h("td", null, h("span", { class: "badge" }, t(`role.${a.role}`))),
              h("td", null, a.teamIds.map((id) => teamName.get(id) ?? "").filter(Boolean).join(", ")),
              h("td", null, h("span", { class: "presence-pill", "data-presence": a.presence }, t(`presence.${a.presence}`))),
              h(
                "td",
                { class: "capacity-cell" },
                Object.entries(a.capacity ?? {})
                  .filter(([, n]) => n > 0)
                  .map(([ch, n]) => h("span", { class: "cap" }, ChannelBadge(ch), num(n))),
                a.weighted ? h("span", { class: "cap", "data-testid": "agent-units-cell" }, t("admin.unitsShort", { n: num(a.weighted.units) })) : null,
              ),
              h("td", { "data-testid": "agent-skills", dir: "auto" }, formatSkills(a.skills)),
              h("td", null, a.autoAccept ? t("admin.yes") : t("admin.no")),
            );
          }),
        ),
      ),
    );
  };

  const renderTeams = () => {
    const memberCount = (teamId: string) => store.teams.find((x) => x.id === teamId)?.memberIds.length ?? 0;
    replace(
      teamsBox,
      store.teams.length
        ? h(
            "ul",
            { class: "team-list", "data-testid": "teams-list" },
            store.teams.map((x) => {
              const name = h("strong");
              name.textContent = x.name;
              return h("li", { "data-testid": "team-row", "data-team-id": x.id }, name, h("span", { class: "muted" }, t("admin.members", { n: memberCount(x.id) })));
            }),
          )
        : h("div", { class: "empty-state" }, t("admin.noTeams")),
    );
  };

  const refresh = () => {
    renderAgents();
    renderTeams();
  };
  refresh();
  scope.add(store.on("directory", refresh));
  loadDirectory(true).catch((err) => store.notify(problemText(err)));

  return h(
    "main",
    { class: "page admin", "data-testid": "admin-page" },
    h("h1", null, t("admin.title")),
    status,
    h("section", { class: "panel" }, h("h2", null, t("admin.agents")), agentsBox),
    h("div", { class: "admin-grid" },
      h("section", { class: "panel" }, h("h2", null, t("admin.createAgent")), createAgentForm(scope, status)),
      h("section", { class: "panel" }, h("h2", null, t("admin.teams")), teamsBox, createTeamForm(status)),
    ),
    ChannelsAdmin(scope),
    SuppressionList(scope),
  );
}


function createAgentForm(scope: Scope, status: HTMLElement): HTMLElement {
  const email = h("input", { id: "agent-email", type: "email", required: true, autocomplete: "off", "data-testid": "agent-email" });
  const displayName = h("input", { id: "agent-name", type: "text", required: true, autocomplete: "off", "data-testid": "agent-name" });
  const password = h("input", { id: "agent-password", type: "password", required: true, autocomplete: "new-password", "data-testid": "agent-password" });
  const role = h("select", { id: "agent-role", "data-testid": "agent-role" }, ROLES.map((r) => h("option", { value: r }, t(`role.${r}`))));
  const teams = h("select", { id: "agent-teams", multiple: true, "data-testid": "agent-teams" });
  const noTeams = h("div", { class: "muted" }, t("admin.noTeamsToPick"));
  const fillTeams = () => {
    const chosen = new Set(Array.from(teams.selectedOptions, (o) => o.value));
    teams.replaceChildren(
      ...store.teams.map((x) => {
        const o = h("option", { value: x.id });
        o.textContent = x.name;
        o.selected = chosen.has(x.id);
        return o;
      }),
    );
    teams.size = Math.min(6, Math.max(2, store.teams.length));
    teams.hidden = store.teams.length === 0;
    noTeams.hidden = store.teams.length > 0;
  };
  fillTeams();
  scope.add(store.on("directory", fillTeams));
  const capacity = CHANNELS.map((ch) => ({
    ch,
    input: h("input", { id: `agent-cap-${ch}`, type: "number", min: 0, max: 50, step: 1, "data-testid": `agent-capacity-${ch}` }),
  }));
  for (const { ch, input } of capacity) input.defaultValue = String(ch === "webchat" ? 3 : ch === "fax" ? 0 : 2);
  const weighted = WeightedCapacityFields();
  const autoAccept = h("input", { id: "agent-autoaccept", type: "checkbox", "data-testid": "agent-autoaccept" });
  const skills = h("input", { id: "agent-skills", type: "text", dir: "auto", autocomplete: "off", placeholder: t("admin.skillsHint"), "data-testid": "agent-skills-input" });
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "agent-form-error" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "agent-create" }, t("admin.create"));

  const fEmail = field("agent-email", t("admin.email"), email);
  const fName = field("agent-name", t("admin.name"), displayName);
  const fPassword = field("agent-password", t("admin.password"), password);
  const fRole = field("agent-role", t("admin.role"), role);
  const fTeams = field("agent-teams", t("admin.teamsField"), teams);
  const fSkills = field("agent-skills", t("admin.skills"), skills);
  fTeams.el.append(noTeams);
  const capError = h("div", { class: "field-error", id: "agent-capacity-error", "data-testid": "agent-capacity-error" });
  const autoError = h("div", { class: "field-error", "data-testid": "agent-autoaccept-error" });
  const slots = {
    email: fEmail.error,
    displayName: fName.error,
    password: fPassword.error,
    role: fRole.error,
    teamIds: fTeams.error,
    capacity: capError,
    weighted: weighted.error,
    autoAccept: autoError,
    skills: fSkills.error,
  };

  return h(
    "form",
    {
      class: "form",
      "data-testid": "create-agent-form",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const input: AgentInput = {
          email: email.value.trim(),
          displayName: displayName.value.trim(),
          password: password.value,
          role: role.value as Role,
          teamIds: Array.from(teams.selectedOptions, (o) => o.value),
          capacity: Object.fromEntries(capacity.map(({ ch, input }) => [ch, Math.max(0, Number(input.value) || 0)])),
          autoAccept: autoAccept.checked,
          skills: parseSkills(skills.value),
          weighted: weighted.value(),
        };
        submit.disabled = true;
        try {
          const created = await api.createAgent(input);
          clearErrors(slots, formError);
          (e.target as HTMLFormElement).reset();
          status.textContent = t("admin.created", { name: created.displayName });
          store.setDirectory([...store.agents.filter((a) => a.id !== created.id), created], store.teams);
        } catch (err) {
          showErrors(err, slots, formError);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("div", { class: "form-grid" }, fEmail.el, fName.el, fPassword.el, fRole.el),
    fTeams.el,
    fSkills.el,
    h(
      "fieldset",
      { class: "capacity", "aria-describedby": "agent-capacity-error" },
      h("legend", null, t("admin.capacity")),
      h("div", { class: "capacity-grid" }, capacity.map(({ ch, input }) => h("label", { for: input.id, class: "cap-field" }, ChannelBadge(ch), input))),
      capError,
    ),
    weighted.el,
    h("div", { class: "field field-inline" }, autoAccept, h("label", { for: "agent-autoaccept" }, t("admin.autoAccept")), autoError),
    formError,
    submit,
  );
}

/** "billing:3, spanish" → { billing: 3, spanish: 3 }: a skill without a level counts as 3; the server checks names and levels. */
function parseSkills(text: string): Record<string, number> {
  const skills: Record<string, number> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, level] = part.split(":").map((x) => x.trim());
    skills[name!] = level ? Number(level) : 3;
  }
  return skills;
}

function formatSkills(skills: Record<string, number> | undefined): string {
  const entries = Object.entries(skills ?? {});
  return entries.length ? entries.map(([s, n]) => `${s} ${num(n)}`).join(", ") : "—";
}

function createTeamForm(status: HTMLElement): HTMLElement {
  const name = h("input", { id: "team-name", type: "text", required: true, autocomplete: "off", "data-testid": "team-name" });
  const f = field("team-name", t("admin.teamName"), name);
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "team-form-error" });
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "team-create" }, t("admin.createTeam"));
  return h(
    "form",
    {
      class: "form form-inline",
      "data-testid": "create-team-form",
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          const team = await api.createTeam(name.value.trim());
          clearErrors({ name: f.error }, formError);
          name.value = "";
          status.textContent = t("admin.teamCreated", { name: team.name });
          store.setDirectory(store.agents, [...store.teams.filter((x) => x.id !== team.id), team]);
        } catch (err) {
          showErrors(err, { name: f.error }, formError);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h3", null, t("admin.createTeam")),
    f.el,
    formError,
    submit,
  );
}
