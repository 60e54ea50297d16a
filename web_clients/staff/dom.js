// Build DOM safely: text is always a text node, never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

export function formatDate(iso) {
  if (!iso) return 'Not known';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function formatDateTime(iso) {
  if (!iso) return 'Not known';
  const when = new Date(iso);
  const time = when.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });
  const day = when.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  return `${formatDate(day)} at ${time}`;
}

export function today() { return new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' }); }

export function daysUntil(iso) {
  if (!iso) return null;
  const ms = Date.parse(iso.slice(0, 10) + 'T00:00:00Z') - Date.parse(today() + 'T00:00:00Z');
  return Math.round(ms / 86400000);
}

export function words(code) {
  if (!code) return '';
  const text = code.toLowerCase().replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const PATHWAYS = ['ACCOMMODATION', 'ATTITUDES_THINKING_AND_BEHAVIOUR', 'CHILDREN_FAMILIES_AND_COMMUNITY',
  'DRUGS_AND_ALCOHOL', 'EDUCATION_SKILLS_AND_WORK', 'FINANCE_AND_ID', 'HEALTH'];
export const STATUSES = ['NOT_STARTED', 'SUPPORT_REQUIRED', 'IN_PROGRESS', 'SUPPORT_NOT_REQUIRED',
  'SUPPORT_DECLINED', 'DONE'];
const TAG = { NOT_STARTED: 'govuk-tag--grey', SUPPORT_REQUIRED: 'govuk-tag--orange', IN_PROGRESS: 'govuk-tag--blue',
  SUPPORT_NOT_REQUIRED: 'govuk-tag--green', SUPPORT_DECLINED: 'govuk-tag--purple', DONE: 'govuk-tag--green' };

export function statusTag(status) { return h('strong', { class: `govuk-tag ${TAG[status] || ''}` }, words(status)); }

export function link(href, text, attrs = {}) { return h('a', { class: 'govuk-link', href, ...attrs }, text); }

export function summaryList(rows) {
  return h('dl', { class: 'govuk-summary-list' }, rows.map(([key, value]) =>
    h('div', { class: 'govuk-summary-list__row' },
      h('dt', { class: 'govuk-summary-list__key' }, key),
      h('dd', { class: 'govuk-summary-list__value' }, value ?? 'Not known'))));
}

export function errorSummary(title, items) {
  const box = h('div', { class: 'govuk-error-summary', tabindex: '-1', role: 'alert' },
    h('h2', { class: 'govuk-error-summary__title' }, title),
    h('div', { class: 'govuk-error-summary__body' },
      h('ul', { class: 'govuk-list govuk-error-summary__list' }, items.map((item) => h('li', {}, item)))));
  return box;
}

export function field(id, label, control, hint) {
  return h('div', { class: 'govuk-form-group' },
    h('label', { class: 'govuk-label', for: id }, label),
    hint ? h('div', { class: 'govuk-hint', id: `${id}-hint` }, hint) : null,
    control);
}

export function select(id, name, options, selected) {
  return h('select', { class: 'govuk-select', id, name },
    options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

export function heading(text, caption) {
  return [caption ? h('span', { class: 'govuk-caption-l' }, caption) : null,
    h('h1', { class: 'govuk-heading-l', tabindex: '-1' }, text)].filter(Boolean);
}

// A wide table scrolls inside its own keyboard-focusable region, so the page never scrolls sideways.
export function scrollTable(label, table) {
  return h('div', { class: 'staff-table-wrapper', tabindex: '0', role: 'region', 'aria-label': label }, table);
}
