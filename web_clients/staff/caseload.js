// The caseload: one prison's people, filtered and sorted by the API, 20 a page. Filters live in the URL.
import { prisonId, run } from './api.js';
import { daysUntil, field, formatDate, formatDateTime, h, heading, link, PATHWAYS, select, STATUSES, words } from './dom.js';
import { navigate } from './app.js';

export const PAGE_SIZE = 20;
const WINDOWS = { '12': 84, '24': 168, future: 3650, all: null };
const SORTS = ['NAME', 'RELEASE_DATE', 'RELEASE_ELIGIBILITY', 'PATHWAY_PROGRESS', 'WORKER', 'LAST_UPDATED'];
const COMPLETE = new Set(['SUPPORT_NOT_REQUIRED', 'SUPPORT_DECLINED', 'DONE']);

// The caseload's cursors point at an offset; page N starts after the (N-1)*20th person.
function cursorFor(page) { return page > 1 ? btoa(`o:${(page - 1) * PAGE_SIZE}`) : null; }

export function caseloadFilters(params) {
  const window = params.get('window') in WINDOWS ? params.get('window') : 'all';
  const sort = SORTS.includes(params.get('sort')) ? params.get('sort') : 'RELEASE_DATE';
  const page = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
  const worker = params.get('worker') || '';
  return {
    window, sort, page, worker,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    pathway: PATHWAYS.includes(params.get('pathway')) ? params.get('pathway') : '',
    status: STATUSES.includes(params.get('status')) ? params.get('status') : '',
    search: (params.get('search') || '').slice(0, 100),
  };
}

function variables(f) {
  return {
    prisonId: prisonId(), after: cursorFor(f.page), releaseWithinDays: WINDOWS[f.window],
    pathway: f.pathway || null, status: f.status || null, search: f.search || null,
    assignedWorker: f.worker && f.worker !== 'unassigned' ? f.worker : null,
    unassigned: f.worker === 'unassigned' ? true : null,
    sort: f.sort, descending: f.order === 'desc',
  };
}

export function caseloadHref(f, changes = {}) {
  const next = { ...f, ...changes };
  const params = new URLSearchParams();
  const defaults = { window: 'all', sort: 'RELEASE_DATE', order: 'asc', page: 1 };
  for (const key of ['window', 'pathway', 'status', 'worker', 'search', 'sort', 'order', 'page']) {
    if (next[key] && next[key] !== defaults[key]) params.set(key, next[key]);
  }
  const query = params.toString();
  return `/staff/caseload${query ? `?${query}` : ''}`;
}

export async function caseloadPage(container) {
  const f = caseloadFilters(new URL(window.location.href).searchParams);
  const { data, errors } = await run('Caseload', variables(f));
  const prison = data && data.prison;
  container.append(...heading('Caseload', prison ? `Prison ${prison.id}` : null));
  container.append(filtersForm(f, (prison && prison.workers) || []));
  if (!prison || !prison.caseload) {
    container.append(h('div', { class: 'govuk-inset-text' }, errors.length
      ? `The caseload could not be loaded: ${errors[0].message}` : 'You have no prison in your caseload.'));
    return;
  }
  const { caseload } = prison;
  const people = caseload.edges.map((e) => e.node);
  const pages = Math.max(1, Math.ceil(caseload.totalCount / PAGE_SIZE));
  container.append(h('p', { class: 'govuk-body', id: 'caseload-count' },
    `${caseload.totalCount} ${caseload.totalCount === 1 ? 'person' : 'people'}. Page ${f.page} of ${pages}. `,
    h('span', { class: 'govuk-body-s' }, `Population read from NOMIS ${formatDateTime(prison.refreshedAt)}.`)));
  if (!people.length) {
    container.append(h('p', { class: 'govuk-body' }, 'Nobody matches these filters.'));
    return;
  }
  const form = h('form', { id: 'assign-form', onsubmit: (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll('input[name="person"]:checked')].map((i) => i.value);
    if (!chosen.length) return;
    const back = window.location.pathname + window.location.search;
    navigate(`/staff/assign?${new URLSearchParams({ people: chosen.join(','), back })}`);
  } });
  form.append(table(f, people), h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary' },
    'Assign a worker to the selected people'));
  container.append(form, pagination(f, pages));
}

// Everyone the prison's allocations know, with their load, so a view of one worker's people is a pick away.
function workerOptions(f, workers) {
  const options = [['', 'Anyone'], ['unassigned', 'Unassigned'],
    ...workers.map((w) => [w.staffId, `${w.name} (${w.assignedCount} assigned)`])];
  if (f.worker && !options.some(([value]) => value === f.worker)) options.push([f.worker, `Staff ${f.worker}`]);
  return options;
}

function filtersForm(f, workers) {
  const form = h('form', { class: 'staff-filters', method: 'get', action: '/staff/caseload', role: 'search',
    'aria-label': 'Filter the caseload',
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const chosen = Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v).trim()]));
      navigate(caseloadHref({ sort: f.sort, order: f.order }, { ...chosen, page: 1 }));
    } });
  form.append(
    field('filter-search', 'Name or prison number', h('input', { class: 'govuk-input govuk-input--width-20',
      id: 'filter-search', name: 'search', type: 'search', value: f.search, autocomplete: 'off' })),
    field('filter-window', 'Release', select('filter-window', 'window',
      [['12', 'Within 12 weeks'], ['24', 'Within 24 weeks'], ['future', 'Any future date'], ['all', 'All dates']], f.window)),
    field('filter-pathway', 'Pathway', select('filter-pathway', 'pathway',
      [['', 'Any pathway'], ...PATHWAYS.map((p) => [p, words(p)])], f.pathway)),
    field('filter-status', 'Status', select('filter-status', 'status',
      [['', 'Any status'], ...STATUSES.map((s) => [s, words(s)])], f.status)),
    field('filter-worker', 'Worker', select('filter-worker', 'worker', workerOptions(f, workers), f.worker)),
    h('div', { class: 'govuk-form-group' },
      h('button', { type: 'submit', class: 'govuk-button' }, 'Apply filters'), ' ',
      link('/staff/caseload', 'Clear filters', { class: 'govuk-link govuk-body' })),
  );
  return form;
}

function sortHeader(f, sort, label, how = null) {
  const active = f.sort === sort;
  const next = active && f.order === 'asc' ? 'desc' : 'asc';
  return h('th', { scope: 'col', class: 'govuk-table__header',
    'aria-sort': active ? (f.order === 'asc' ? 'ascending' : 'descending') : 'none' },
  h('button', { type: 'button', class: 'staff-sort', 'data-sort': sort,
    onclick: () => navigate(caseloadHref(f, { sort, order: next, page: 1 })) }, label,
    how ? h('span', { class: 'govuk-visually-hidden' }, ` (sort ${how})`) : null));
}

function table(f, people) {
  const th = (text) => h('th', { scope: 'col', class: 'govuk-table__header' }, text);
  const td = (...content) => h('td', { class: 'govuk-table__cell' }, ...content);
  return h('div', { class: 'staff-table-wrapper', tabindex: '0', role: 'region', 'aria-label': 'Caseload table' },
    h('table', { class: 'govuk-table', id: 'caseload' },
      h('caption', { class: 'govuk-table__caption govuk-visually-hidden' }, 'People in this caseload'),
      h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' },
        th(h('span', { class: 'govuk-visually-hidden' }, 'Select')),
        sortHeader(f, 'NAME', 'Name'), sortHeader(f, 'RELEASE_DATE', 'Release date'),
        sortHeader(f, 'RELEASE_ELIGIBILITY', 'Release eligibility'), sortHeader(f, 'PATHWAY_PROGRESS', 'Pathways', 'by how many are complete'),
        sortHeader(f, 'WORKER', 'Worker'), sortHeader(f, 'LAST_UPDATED', 'Last updated'))),
      h('tbody', { class: 'govuk-table__body' }, people.map((p) => {
        const name = `${p.lastName}, ${p.firstName}`;
        const days = daysUntil(p.releaseDate);
        const complete = p.pathways.filter((x) => COMPLETE.has(x.status)).length;
        return h('tr', { class: 'govuk-table__row', 'data-prisoner-number': p.prisonerNumber },
          td(h('div', { class: 'govuk-checkboxes govuk-checkboxes--small' }, h('div', { class: 'govuk-checkboxes__item' },
            h('input', { class: 'govuk-checkboxes__input', type: 'checkbox', name: 'person', value: p.prisonerNumber,
              id: `select-${p.prisonerNumber}` }),
            h('label', { class: 'govuk-label govuk-checkboxes__label', for: `select-${p.prisonerNumber}` },
              h('span', { class: 'govuk-visually-hidden' }, `Select ${name}`))))),
          td(link(`/staff/people/${p.prisonerNumber}`, name), h('br'), h('span', { class: 'govuk-body-s' }, p.prisonerNumber)),
          td(formatDate(p.releaseDate), days !== null && days >= 0 ? h('span', { class: 'govuk-body-s staff-friday' }, `${days} days`) : null,
            p.isReleaseOnFriday ? h('strong', { class: 'govuk-tag govuk-tag--red staff-friday' }, 'Friday release') : null),
          td(p.releaseEligibilityDate ? formatDate(p.releaseEligibilityDate) : 'None'),
          td(h('span', { class: 'govuk-body-s' }, `${complete} of 7 complete`),
            h('ul', { class: 'govuk-list govuk-body-s staff-status-list' }, p.pathways
              .filter((x) => !f.pathway || x.pathway === f.pathway)
              .filter((x) => f.pathway || x.status !== 'NOT_STARTED')
              .map((x) => h('li', {}, `${words(x.pathway)}: ${words(x.status)}`)))),
          td(p.assignedWorker ? link(caseloadHref(f, { worker: p.assignedWorker.staffId, page: 1 }), p.assignedWorker.name) : 'Unassigned'),
          td(p.lastUpdated ? formatDateTime(p.lastUpdated) : 'Never'));
      }))));
}

function pagination(f, pages) {
  if (pages <= 1) return h('div');
  const items = [];
  const around = [...new Set([1, f.page - 1, f.page, f.page + 1, pages])].filter((n) => n >= 1 && n <= pages);
  let last = 0;
  for (const n of around) {
    if (n - last > 1) items.push(h('li', { class: 'govuk-pagination__item govuk-pagination__item--ellipses' }, '…'));
    items.push(h('li', { class: `govuk-pagination__item${n === f.page ? ' govuk-pagination__item--current' : ''}` },
      h('a', { class: 'govuk-link govuk-pagination__link', href: caseloadHref(f, { page: n }),
        'aria-label': `Page ${n}`, 'aria-current': n === f.page ? 'page' : null }, String(n))));
    last = n;
  }
  return h('nav', { class: 'govuk-pagination', 'aria-label': 'Caseload pages' },
    f.page > 1 ? h('div', { class: 'govuk-pagination__prev' }, h('a', { class: 'govuk-link govuk-pagination__link',
      href: caseloadHref(f, { page: f.page - 1 }), rel: 'prev' }, h('span', { class: 'govuk-pagination__link-title' }, 'Previous'))) : null,
    h('ul', { class: 'govuk-pagination__list' }, items),
    f.page < pages ? h('div', { class: 'govuk-pagination__next' }, h('a', { class: 'govuk-link govuk-pagination__link',
      href: caseloadHref(f, { page: f.page + 1 }), rel: 'next' }, h('span', { class: 'govuk-pagination__link-title' }, 'Next'))) : null);
}
