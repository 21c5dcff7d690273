// DOM helpers of the staff pages: elements are built with createElement and textContent only
// (never innerHTML), so nothing an API returns can become markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

/** Appends children: nodes as they are, strings and numbers as text; null, undefined and false are skipped. */
export function append(el: Element, children: Child | readonly Child[]): void {
  for (const child of Array.isArray(children) ? children : [children]) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/**
 * An HTML element: `attrs.text` sets its text, `on<event>` attributes add listeners, `true` sets a
 * bare attribute, null/undefined/false leave it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child | readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** The element with this id, or an error naming the id when the page shell lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Says `message` in the #status live region (an error in red). */
export function announce(message: string, isError = false): void {
  const status = byId('status');
  status.textContent = message;
  status.className = isError ? 'error' : '';
}

/** A chart of analysis/write/svg.ts (escaped SVG markup) as an SVG element of this document. */
export function svgChart(markup: string): Element {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const error = parsed.querySelector('parsererror');
  if (error) throw new Error(`chart markup did not parse: ${error.textContent ?? ''}`);
  return document.importNode(parsed.documentElement, true);
}
