// The prison leader's dashboard: pathway progress by release window as SVG charts, with the numbers as a table.
import { prisonId, run } from './api.js';
import { formatDateTime, h, heading, link, STATUSES, words } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WINDOWS = { WITHIN_12_WEEKS: ['12', 'Due for release within 12 weeks'], WITHIN_24_WEEKS: ['24', 'Due for release within 24 weeks'],
  ALL_FUTURE: ['future', 'Due for release on any future date'] };
const COLOURS = { NOT_STARTED: '#b1b4b6', SUPPORT_REQUIRED: '#f47738', IN_PROGRESS: '#1d70b8', SUPPORT_NOT_REQUIRED: '#85994b',
  SUPPORT_DECLINED: '#4c2c92', DONE: '#00703c' };

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function caseloadLink(windowKey, pathway, status) {
  const params = new URLSearchParams({ window: windowKey, pathway });
  if (status) params.set('status', status);
  return `/staff/caseload?${params}`;
}

function chart(summary, id) {
  const rowHeight = 34; const labelWidth = 260; const barWidth = 460;
  const height = summary.pathways.length * rowHeight + 10;
  const svg = s('svg', { class: 'staff-chart', viewBox: `0 0 ${labelWidth + barWidth + 60} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    s('title', { id: `${id}-title` }, `Pathway statuses, ${WINDOWS[summary.window][1].toLowerCase()}`),
    s('desc', { id: `${id}-desc` }, `For each pathway, a bar split by status. ${summary.people} people. The table below gives the numbers.`));
  summary.pathways.forEach((p, i) => {
    const y = i * rowHeight + 5;
    svg.append(s('text', { x: 0, y: y + 18 }, words(p.pathway)));
    let x = labelWidth;
    for (const c of p.statuses) {
      const w = summary.people ? (c.count / summary.people) * barWidth : 0;
      if (w > 0) svg.append(s('rect', { x, y, width: w, height: rowHeight - 10, fill: COLOURS[c.status] }));
      x += w;
    }
    svg.append(s('text', { x: labelWidth + barWidth + 8, y: y + 18 }, `${Math.round(p.shareComplete * 100)}%`));
  });
  return svg;
}

function legend() {
  return h('ul', { class: 'govuk-list govuk-body-s staff-filters', 'aria-label': 'Chart colours' }, STATUSES.map((st) => h('li', {},
    h('span', { style: `display:inline-block;width:14px;height:14px;margin-right:6px;background:${COLOURS[st]}`, 'aria-hidden': 'true' }), words(st))));
}

function numbersTable(summary) {
  const [windowKey] = WINDOWS[summary.window];
  const th = (t) => h('th', { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric' }, t);
  return h('div', { class: 'staff-table-wrapper', tabindex: '0', role: 'region', 'aria-label': `Numbers: ${WINDOWS[summary.window][1]}` },
    h('table', { class: 'govuk-table', 'data-window': summary.window },
      h('caption', { class: 'govuk-table__caption govuk-table__caption--s' }, `People by pathway and status: ${WINDOWS[summary.window][1].toLowerCase()}`),
      h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' },
        h('th', { scope: 'col', class: 'govuk-table__header' }, 'Pathway'), STATUSES.map((st) => th(words(st))), th('Complete'))),
      h('tbody', { class: 'govuk-table__body' }, summary.pathways.map((p) => h('tr', { class: 'govuk-table__row' },
        h('th', { scope: 'row', class: 'govuk-table__header' }, words(p.pathway)),
        p.statuses.map((c) => h('td', { class: 'govuk-table__cell govuk-table__cell--numeric' },
          link(caseloadLink(windowKey, p.pathway, c.status), String(c.count), { 'aria-label': `${c.count} people ${words(c.status).toLowerCase()} on ${words(p.pathway).toLowerCase()}` }))),
        h('td', { class: 'govuk-table__cell govuk-table__cell--numeric' }, `${p.complete} (${Math.round(p.shareComplete * 100)}%)`))))));
}

export async function dashboardPage(container) {
  const { data, errors } = await run('Dashboard', { prisonId: prisonId() });
  const prison = data && data.prison;
  const dashboard = prison && prison.dashboard;
  container.append(...heading('Resettlement dashboard', prison ? `Prison ${prison.id}` : null));
  if (!dashboard) {
    container.append(h('div', { class: 'govuk-inset-text' }, errors.some((e) => e.extensions && e.extensions.code === 'FORBIDDEN')
      ? 'The dashboard is for prison leaders. Ask for the reports role if you need it.' : 'The dashboard could not be loaded.'));
    return;
  }
  const chosen = new URL(window.location.href).searchParams.get('window');
  container.append(
    h('p', { class: 'govuk-body' }, `${dashboard.totalPeople} people in the prison. Counted ${formatDateTime(dashboard.refreshedAt)}.`),
    h('h2', { class: 'govuk-heading-m' }, 'Hot spots'),
    dashboard.hotSpots.length ? h('ul', { class: 'govuk-list govuk-list--bullet', id: 'hot-spots' }, dashboard.hotSpots.map((spot) => h('li', {},
      link(caseloadLink('12', spot.pathway, 'NOT_STARTED'), `${words(spot.pathway)}: ${spot.notStarted} people due within 12 weeks not started`))))
      : h('p', { class: 'govuk-body' }, 'No hot spots.'),
    h('nav', { 'aria-label': 'Release windows' }, h('ul', { class: 'govuk-list staff-filters' }, dashboard.windows.map((w) =>
      h('li', {}, link(`/staff/dashboard?window=${w.window}`, `${WINDOWS[w.window][1]} (${w.people})`,
        { 'aria-current': (chosen || 'WITHIN_12_WEEKS') === w.window ? 'page' : null }))))),
  );
  for (const summary of dashboard.windows.filter((w) => w.window === (WINDOWS[chosen] ? chosen : 'WITHIN_12_WEEKS'))) {
    container.append(h('h2', { class: 'govuk-heading-m' }, `${WINDOWS[summary.window][1]}: ${summary.people} people`),
      chart(summary, `chart-${summary.window}`), legend(), numbersTable(summary));
  }
}
