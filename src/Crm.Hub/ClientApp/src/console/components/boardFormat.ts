// Formatting shared by the board and its drill-down.
import { num, t } from "../i18n";

/** "4m 12s", "1h 05m", "38s"; an em dash for nothing measured. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return t("board.tile.none");
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${num(s)}s`;
  if (s < 3600) return `${num(Math.floor(s / 60))}m ${num(s % 60)}s`;
  return `${num(Math.floor(s / 3600))}h ${num(Math.floor((s % 3600) / 60))}m`;
}
