// A tiny DOM builder. Text children become text nodes, so customer text can never become markup.

export type Child = Node | string | number | null | undefined | false | Child[];

type Handler = (event: Event) => void;

export interface Props {
  [name: string]: string | number | boolean | null | undefined | Handler | Partial<CSSStyleDeclaration>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        el.addEventListener(name.slice(2).toLowerCase(), value as Handler);
      } else if (name === "style" && typeof value === "object") {
        Object.assign(el.style, value);
      } else if (name === "className") {
        el.className = String(value);
      } else if (name === "value" && "value" in el) {
        (el as HTMLInputElement).value = String(value);
      } else if (name === "checked" && "checked" in el) {
        (el as HTMLInputElement).checked = Boolean(value);
      } else if (value === true) {
        el.setAttribute(name, "");
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (typeof child === "string" || typeof child === "number") parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
}

/** Replaces all children of `el`. */
export function replace(el: Element | ShadowRoot, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A random UUID v4 that also works outside secure contexts (where crypto.randomUUID is missing). */
export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Delivery ticks shared by the console and the widget: ✓ sent, ✓✓ delivered/read, ! failed. */
export function tickGlyph(status: string | null | undefined): string {
  switch (status) {
    case "pending":
      return "◷";
    case "sent":
      return "✓";
    case "delivered":
    case "read":
      return "✓✓";
    case "failed":
      return "!";
    default:
      return "";
  }
}
