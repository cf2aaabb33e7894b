/** Tiny DOM helpers: the app uses no UI framework. */

type Attrs = Record<string, string | number | boolean | undefined | EventListener>;
type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element with attributes (`on*` keys become listeners, `class`
 * and `text` are shorthands) and children.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children, skipping null/undefined/false and turning text into text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child of an element. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A labelled form row: `<label><span>text</span>control</label>`. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field', title: hint }, h('span', { text: label }), control);
}

/** A `<select>` with the given options and selected value. */
export function select(
  name: string,
  options: readonly string[],
  value: string,
  onChange: (value: string) => void,
): HTMLSelectElement {
  const el = h('select', { name, 'data-testid': `setting-${name}` });
  for (const option of options) {
    el.appendChild(h('option', { value: option, text: option, selected: option === value }));
  }
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** An `<input>` whose value is reported on change. */
export function input(
  name: string,
  value: string | number,
  onChange: (value: string) => void,
  attrs: Attrs = {},
): HTMLInputElement {
  const el = h('input', { name, value: String(value), 'data-testid': `setting-${name}`, ...attrs });
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** Formats a number for display with a fixed number of significant digits. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) {
    return value.toExponential(digits - 1);
  }
  return Number(value.toPrecision(digits)).toString();
}

/** Formats a fraction as a percentage with one decimal. */
export function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
