/**
 * Building the page from DOM nodes only: text always goes in as text nodes or `textContent`, never as HTML,
 * so nothing a user typed can become markup.
 */

/**
 * Creates an element. `props`: `class`, `text`, `on<event>` listeners, boolean and string attributes
 * (`false`/`null`/`undefined` leave one out). Children: nodes, strings (as text) and nested arrays.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
}

/** A labelled input: the `<label for>` and the control, with an id made from `name`. */
export function field(label, name, attrs = {}) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const control = attrs.multiline
    ? h('textarea', { id, name, rows: 3, ...attrs, multiline: null })
    : h('input', { id, name, type: 'text', ...attrs });
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control);
}

/** A checkbox with its label. */
export function checkbox(label, name, checked) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    'div',
    { class: 'field check' },
    h('input', { id, name, type: 'checkbox', checked: checked || null }),
    h('label', { for: id, text: label }),
  );
}

const WHEN = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

/** A date and time in the reader's locale, with the time zone it is in ("2 Dec 2026, 06:10 UTC"). */
export function when(iso) {
  return iso ? WHEN.format(new Date(iso)) : '—';
}

/** A byte count for people: `64 KiB`, `5 MiB`. */
export function bytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
}

/** A status badge (`claimed`, `submitted`, `approved`, `rejected`). */
export function badge(status) {
  return h('span', { class: `badge status-${status}`, text: status });
}
