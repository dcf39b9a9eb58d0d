// Weighted capacity on the agent form: a budget of units the agent's conversations share across channels, what one
// conversation of each channel costs, and which channels a held conversation shuts out ("fax: webchat" — no chats while
// working a fax). Left empty, the per-channel limits alone apply.
import { t } from "../i18n";
import { h } from "../../shared/h";
import { CHANNELS, type WeightedCapacity } from "../types";
import { ChannelBadge } from "./ChannelBadge";

export function WeightedCapacityFields(): { el: HTMLElement; error: HTMLElement; value: () => WeightedCapacity | null } {
  const units = h("input", { id: "agent-units", type: "number", min: 1, max: 1000, step: 1, placeholder: t("admin.unitsOff"), "data-testid": "agent-units" });
  const costs = CHANNELS.map((ch) => ({
    ch,
    input: h("input", { id: `agent-units-${ch}`, type: "number", min: 1, max: 1000, step: 1, placeholder: "1", "data-testid": `agent-units-${ch}` }),
  }));
  const blocks = h("input", { id: "agent-blocks", type: "text", dir: "ltr", autocomplete: "off", placeholder: "fax: webchat sms", "data-testid": "agent-blocks" });
  const error = h("div", { class: "field-error", id: "agent-weighted-error", "data-testid": "agent-weighted-error" });
  const el = h(
    "fieldset",
    { class: "capacity", "aria-describedby": "agent-weighted-error" },
    h("legend", null, t("admin.weighted")),
    h("p", { class: "muted" }, t("admin.weightedHelp")),
    h("div", { class: "field" }, h("label", { for: "agent-units" }, t("admin.units")), units),
    h("div", { class: "capacity-grid" }, costs.map(({ ch, input }) => h("label", { for: input.id, class: "cap-field" }, ChannelBadge(ch), input))),
    h("div", { class: "field" }, h("label", { for: "agent-blocks" }, t("admin.blocks")), blocks),
    error,
  );
  const value = (): WeightedCapacity | null => {
    if (units.value.trim() === "") return null;
    const unitsPerConversation: Record<string, number> = {};
    for (const { ch, input } of costs) if (input.value.trim() !== "") unitsPerConversation[ch] = Number(input.value);
    const blocked: Record<string, string[]> = {};
    // "fax: webchat sms; email: sms" → { fax: [webchat, sms], email: [sms] }; the server names any unknown channel.
    for (const rule of blocks.value.split(";").map((r) => r.trim()).filter(Boolean)) {
      const [held, shut] = rule.split(":").map((x) => x.trim());
      if (held) blocked[held] = (shut ?? "").split(/[\s,]+/).filter(Boolean);
    }
    return { units: Number(units.value), unitsPerConversation, blocks: blocked };
  };
  return { el, error, value };
}
