import { t } from "../i18n";
import { h } from "../../shared/h";
import type { Channel, ConversationStatus } from "../types";

const known = new Set(["webchat", "sms", "email", "fax", "telegram"]);

export function ChannelBadge(channel: Channel | string): HTMLElement {
  const label = known.has(channel) ? t(`channel.${channel as Channel}`) : channel;
  return h("span", { class: "channel-badge", "data-channel": channel, "data-testid": "channel-badge" }, label);
}

export function StatusBadge(status: ConversationStatus): HTMLElement {
  return h("span", { class: "status-badge", "data-status": status, "data-testid": "conversation-status" }, t(`status.${status}`));
}
