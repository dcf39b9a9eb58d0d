// The segment editor: condition rows combined with "all" (AND) or "any" (OR), groups nested up to two levels, and the
// live count of matching contacts (debounced calls to /segments/count) as the marketer edits. The server's validation
// errors are shown at the row they name (their path, e.g. conditions[1].conditions[0].days).
import { ApiError, problemText } from "../api";
import { audienceApi, isGroup, SEGMENT_OPERATORS, type SegmentCondition, type SegmentField, type SegmentGroup, type SegmentNode, type SegmentView } from "../audienceApi";
import { t, when, type Key } from "../i18n";
import type { Scope } from "../scope";
import { store } from "../store";
import { h, replace } from "../../shared/h";
import { CHANNELS } from "../types";
import { field } from "./forms";

const MAX_NESTING = 2;
const FIELDS = Object.keys(SEGMENT_OPERATORS) as SegmentField[];

export function SegmentEditor(scope: Scope, segment: SegmentView | null, done: () => void): HTMLElement {
  let alive = true;
  scope.add(() => (alive = false));
  const root: SegmentGroup = segment ? structuredClone(segment.definition) : { match: "all", conditions: [newCondition("tag")] };
  const rowErrors = new Map<string, HTMLElement>();

  const count = h("div", { class: "segment-count", role: "status", "aria-live": "polite", "data-testid": "segment-count" });
  const tree = h("div", { class: "segment-tree" });
  let timer = 0;
  let asked = 0;

  const showTreeErrors = (errors: Record<string, string[]>, prefix: string): string[] => {
    for (const slot of rowErrors.values()) slot.textContent = "";
    const leftovers: string[] = [];
    for (const [key, messages] of Object.entries(errors)) {
      if (!key.startsWith(prefix)) continue;
      const path = key.slice(prefix.length);
      // The row whose path is the longest prefix of the error's path ("conditions[0].days" belongs to "conditions[0]").
      const slotPath = [...rowErrors.keys()].filter((p) => path === p || path.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
      if (slotPath !== undefined) rowErrors.get(slotPath)!.textContent = messages.join(" ");
      else leftovers.push(messages.join(" "));
    }
    return leftovers;
  };

  const recount = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const mine = ++asked;
      count.dataset.state = "counting";
      audienceApi
        .countSegment(root)
        .then(({ count: n }) => {
          if (!alive || mine !== asked) return;
          showTreeErrors({}, "");
          count.dataset.state = n === 0 ? "empty" : "ok";
          count.dataset.count = String(n);
          replace(count, n === 0 ? h("span", { class: "empty-state" }, t("segments.noMatch")) : n === 1 ? t("segments.matchingOne") : t("segments.matching", { n }));
        })
        .catch((err) => {
          if (!alive || mine !== asked) return;
          count.dataset.state = "invalid";
          delete count.dataset.count;
          const leftovers = err instanceof ApiError && err.problem.errors ? showTreeErrors(err.problem.errors, "") : [problemText(err)];
          replace(count, h("span", { class: "field-error" }, leftovers.length ? leftovers.join(" ") : t("segments.fixRows")));
        });
    }, 400);
  };
  scope.add(() => window.clearTimeout(timer));

  const render = (): void => {
    rowErrors.clear();
    replace(tree, groupEditor(root, "", 0, { changed: recount, restructured: () => { render(); recount(); } }, rowErrors));
  };
  render();
  recount();
  // Contacts imported meanwhile change the count.
  scope.add(store.on("imports", (json) => {
    if (json && (JSON.parse(json) as { status?: string }).status === "completed") recount();
  }));

  const name = h("input", { id: "segment-name", type: "text", dir: "auto", required: true, value: segment?.name ?? "", "data-testid": "segment-name" });
  const fName = field("segment-name", t("segments.name"), name);
  const formError = h("div", { class: "form-error", role: "alert", hidden: true, "data-testid": "segment-form-error" });
  const save = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "segment-save" }, segment ? t("segments.save") : t("segments.create"));
  const cancel = h("button", { type: "button", class: "btn", onclick: done }, t("segments.cancel"));
  return h(
    "form",
    {
      class: "form segment-editor",
      novalidate: true,
      "data-testid": "segment-editor",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        fName.error.textContent = "";
        formError.hidden = true;
        save.disabled = true;
        try {
          if (segment) await audienceApi.updateSegment(segment.id, name.value.trim(), root);
          else await audienceApi.createSegment(name.value.trim(), root);
          done();
        } catch (err) {
          const errors = err instanceof ApiError ? (err.problem.errors ?? {}) : {};
          if (errors["name"]) fName.error.textContent = errors["name"].join(" ");
          const leftovers = err instanceof ApiError && err.problem.errors ? showTreeErrors(errors, "definition.") : [problemText(err)];
          const other = leftovers.concat(Object.entries(errors).filter(([k]) => k !== "name" && !k.startsWith("definition.")).flatMap(([, m]) => m));
          if (other.length) {
            formError.textContent = other.join(" ");
            formError.hidden = false;
          }
        } finally {
          save.disabled = false;
        }
      },
    },
    h("h3", null, segment ? t("segments.editing", { name: segment.name }) : t("segments.new")),
    fName.el,
    tree,
    count,
    formError,
    h("div", { class: "form-actions" }, save, cancel),
  );
}

interface Changes {
  /** A value changed: count again, keep the inputs (and focus) as they are. */
  changed: () => void;
  /** Rows were added or removed, or a field changed its inputs: draw the tree again. */
  restructured: () => void;
}

function groupEditor(group: SegmentGroup, path: string, depth: number, changes: Changes, rowErrors: Map<string, HTMLElement>): HTMLElement {
  const prefix = path ? `${path}.` : "";
  const match = h(
    "select",
    { class: "segment-match", "data-testid": "segment-match", "aria-label": t("segments.matchLabel") },
    h("option", { value: "all" }, t("segments.matchAll")),
    h("option", { value: "any" }, t("segments.matchAny")),
  );
  match.value = group.match;
  match.addEventListener("change", () => {
    group.match = match.value === "any" ? "any" : "all";
    changes.changed();
  });
  const error = h("div", { class: "field-error", "data-testid": "segment-group-error" });
  rowErrors.set(path, error);
  const addCondition = h("button", { type: "button", class: "btn btn-small", "data-testid": "segment-add-condition" }, t("segments.addCondition"));
  addCondition.addEventListener("click", () => {
    group.conditions.push(newCondition("tag"));
    changes.restructured();
  });
  const addGroup =
    depth < MAX_NESTING
      ? h("button", { type: "button", class: "btn btn-small", "data-testid": "segment-add-group" }, t("segments.addGroup"))
      : null;
  addGroup?.addEventListener("click", () => {
    group.conditions.push({ match: group.match === "all" ? "any" : "all", conditions: [newCondition("tag")] });
    changes.restructured();
  });
  const remove = (node: SegmentNode): void => {
    group.conditions.splice(group.conditions.indexOf(node), 1);
    changes.restructured();
  };
  return h(
    "div",
    { class: `segment-group depth-${depth}`, "data-testid": "segment-group" },
    h("div", { class: "segment-group-head" }, match, h("span", { class: "muted" }, t("segments.ofTheseConditions"))),
    h(
      "ul",
      { class: "segment-rows" },
      group.conditions.map((node, i) => {
        const nodePath = `${prefix}conditions[${i}]`;
        const removeButton = h("button", { type: "button", class: "btn btn-small btn-ghost", "aria-label": t("segments.remove"), "data-testid": "segment-remove" }, "✕");
        removeButton.addEventListener("click", () => remove(node));
        if (isGroup(node)) {
          return h("li", { class: "segment-row segment-row-group" }, groupEditor(node, nodePath, depth + 1, changes, rowErrors), removeButton);
        }
        const rowError = h("div", { class: "field-error", "data-testid": "segment-row-error" });
        rowErrors.set(nodePath, rowError);
        return h("li", { class: "segment-row", "data-testid": "segment-row" }, conditionRow(node, changes), removeButton, rowError);
      }),
    ),
    error,
    h("div", { class: "segment-group-actions" }, addCondition, addGroup),
  );
}

function newCondition(f: SegmentField): SegmentCondition {
  const operator = SEGMENT_OPERATORS[f][0]!;
  switch (f) {
    case "channel":
    case "consent":
      return { field: f, operator, value: "sms" };
    case "locale":
      return { field: f, operator, value: "fa" };
    case "complained":
    case "lastContact":
    case "created":
      return { field: f, operator, days: 30 };
    case "attribute":
      return { field: f, operator, key: "", value: "" };
    default:
      return { field: f, operator, value: "" };
  }
}

function conditionRow(cond: SegmentCondition, changes: Changes): HTMLElement {
  const fieldSelect = h(
    "select",
    { "data-testid": "segment-field", "aria-label": t("segments.fieldLabel") },
    FIELDS.map((f) => h("option", { value: f }, t(`segments.field.${f}` as Key))),
  );
  fieldSelect.value = cond.field;
  fieldSelect.addEventListener("change", () => {
    const next = newCondition(fieldSelect.value as SegmentField);
    for (const k of Object.keys(cond) as (keyof SegmentCondition)[]) delete cond[k];
    Object.assign(cond, next);
    changes.restructured();
  });
  const operator = h(
    "select",
    { "data-testid": "segment-operator", "aria-label": t("segments.operatorLabel") },
    SEGMENT_OPERATORS[cond.field].map((o) => h("option", { value: o }, t(`segments.op.${cond.field}.${o}` as Key))),
  );
  operator.value = cond.operator;
  operator.addEventListener("change", () => {
    const wasDate = cond.operator === "before" || cond.operator === "after";
    cond.operator = operator.value;
    const isDate = cond.operator === "before" || cond.operator === "after";
    if (isDate && !wasDate) {
      cond.days = null;
      cond.date = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    } else if (!isDate && wasDate) {
      cond.date = null;
      cond.days = 30;
    }
    changes.restructured();
  });
  return h("div", { class: "segment-condition" }, fieldSelect, operator, valueInputs(cond, changes));
}

function valueInputs(cond: SegmentCondition, changes: Changes): HTMLElement[] {
  const text = (prop: "value" | "key", label: Key, placeholder: Key): HTMLInputElement => {
    const input = h("input", { type: "text", dir: "auto", value: cond[prop] ?? "", "aria-label": t(label), placeholder: t(placeholder), "data-testid": `segment-${prop}` });
    input.addEventListener("input", () => {
      cond[prop] = input.value;
      changes.changed();
    });
    return input;
  };
  switch (cond.field) {
    case "tag":
      return [text("value", "segments.tag", "segments.tagHint")];
    case "attribute":
      return cond.operator === "exists"
        ? [text("key", "segments.attributeKey", "segments.attributeKeyHint")]
        : [text("key", "segments.attributeKey", "segments.attributeKeyHint"), text("value", "segments.attributeValue", "segments.attributeValue")];
    case "channel":
    case "consent": {
      const select = h("select", { "aria-label": t("segments.channel"), "data-testid": "segment-value" }, CHANNELS.map((c) => h("option", { value: c }, t(`channel.${c}` as Key))));
      select.value = cond.value ?? "sms";
      select.addEventListener("change", () => {
        cond.value = select.value;
        changes.changed();
      });
      return [select];
    }
    case "import": {
      // The finished imports, newest first; the condition's own import stays listed even when it is older than the list.
      const select = h("select", { "aria-label": t("segments.field.import"), "data-testid": "segment-value" }, h("option", { value: "" }, t("segments.importPick")));
      const option = (id: string, label: string): HTMLOptionElement => {
        const o = h("option", { value: id });
        o.textContent = label;
        return o;
      };
      if (cond.value) select.append(option(cond.value, cond.value));
      select.value = cond.value ?? "";
      void audienceApi.contactImports().then((imports) => {
        for (const i of imports) {
          const label = t("segments.importOption", { file: i.fileName, date: when(i.finishedAt ?? i.createdAt) });
          const existing = [...select.options].find((o) => o.value === i.id);
          if (existing) existing.textContent = label;
          else select.append(option(i.id, label));
        }
        select.value = cond.value ?? "";
      }, () => undefined);
      select.addEventListener("change", () => {
        cond.value = select.value;
        changes.changed();
      });
      return [select];
    }
    case "locale": {
      const select = h("select", { "aria-label": t("segments.locale"), "data-testid": "segment-value" }, h("option", { value: "en" }, "English"), h("option", { value: "fa" }, "فارسی"));
      select.value = cond.value ?? "fa";
      select.addEventListener("change", () => {
        cond.value = select.value;
        changes.changed();
      });
      return [select];
    }
    default: {
      if (cond.operator === "before" || cond.operator === "after") {
        const date = h("input", { type: "date", value: (cond.date ?? "").slice(0, 10), "aria-label": t("segments.date"), "data-testid": "segment-date" });
        date.addEventListener("input", () => {
          cond.date = date.value || null;
          changes.changed();
        });
        return [date];
      }
      const days = h("input", { type: "number", min: "1", max: "3650", value: String(cond.days ?? 30), class: "segment-days", "aria-label": t("segments.days"), "data-testid": "segment-days" });
      days.addEventListener("input", () => {
        cond.days = days.value === "" ? null : Number(days.value);
        changes.changed();
      });
      return [days, h("span", { class: "muted" }, t("segments.daysUnit"))];
    }
  }
}

