// Person overview: a header and eight sections, each loaded (and failing) on its own.
import { run } from './api.js';
import { append, daysUntil, formatDate, formatDateTime, h, heading, link, PATHWAYS, scrollTable, select, statusTag, summaryList, today, words } from './dom.js';
import { requireBranch, section } from './sections.js';
import { navigate } from './app.js';

const NOTICES = {
  status: (p) => `${words(p.get('pathway'))} is now ${words(p.get('status')).toLowerCase()}.`,
  appointment: () => 'The appointment has been requested.',
  'id-application': () => 'The ID application has been recorded.',
  'bank-application': () => 'The bank account application has been recorded.',
  assigned: () => 'The worker has been assigned.',
};

function notice(params) {
  const make = NOTICES[params.get('notice')];
  if (!make) return null;
  const delivery = params.get('delivery');
  const system = params.get('system');
  return h('div', { class: 'govuk-notification-banner govuk-notification-banner--success', role: 'alert',
    'aria-labelledby': 'notice-title' },
  h('div', { class: 'govuk-notification-banner__header' },
    h('h2', { class: 'govuk-notification-banner__title', id: 'notice-title' }, 'Success')),
  h('div', { class: 'govuk-notification-banner__content' },
    h('p', { class: 'govuk-notification-banner__heading' }, make(params)),
    delivery ? h('p', { class: 'govuk-body', id: 'delivery-status' }, delivery === 'DELIVERED'
      ? `It has been sent to ${system === 'delius' ? 'nDelius' : system === 'nomis' ? 'NOMIS' : system}.`
      : `Pending: it will be sent to ${system === 'delius' ? 'nDelius' : system === 'nomis' ? 'NOMIS' : system} `
        + 'as soon as it is available.') : null));
}

export async function personPage(container, number) {
  const { data, errors } = await run('PersonHeader', { prisonerNumber: number });
  const person = data && data.person;
  if (!person) {
    container.append(...heading(errors.length ? 'Sorry, this person could not be loaded' : 'Person not found'),
      h('p', { class: 'govuk-body' }, link('/staff/caseload', 'Back to the caseload')));
    return;
  }
  const params = new URL(window.location.href).searchParams;
  const name = `${person.firstName} ${person.lastName}`;
  const days = daysUntil(person.releaseDate);
  append(container, [
    h('p', { class: 'govuk-body no-print' }, link('/staff/caseload', 'Back to the caseload', { class: 'govuk-back-link' })),
    notice(params),
    ...heading(name, person.prisonerNumber),
    h('div', { class: 'staff-summary-grid', id: 'person-header' },
      summaryList([
        ['Prison number', person.prisonerNumber],
        ['Date of birth', formatDate(person.dateOfBirth)],
        ['Location', [person.prisonName || person.prisonId, person.cellLocation].filter(Boolean).join(', ')],
      ]),
      summaryList([
        ['Release date', formatDate(person.releaseDate)],
        ['Days to release', days === null ? 'Not known' : days >= 0 ? `${days} days` : 'Released'],
        ['CRN', person.crn || 'Not known'],
      ])),
    h('p', { class: 'govuk-body' },
      link(`/staff/people/${number}/pack`, 'Print a Plan your future pack'), ' · ',
      link(`/staff/assign?${new URLSearchParams({ people: number, back: `/staff/people/${number}` })}`, 'Assign a worker')),
    section('pathways', 'Resettlement pathways', () => pathways(number)),
    section('case-notes', 'Case notes', () => caseNotes(number, params.get('notes'))),
    section('contacts', 'Staff contacts', () => contacts(number)),
    section('licence', 'Licence conditions', () => licence(number)),
    section('appointments', 'Appointments', () => appointments(number)),
    section('applications', 'ID and bank applications', (reload) => applications(number, reload)),
    section('risk', 'Risk', () => risk(number)),
  ]);
}

async function branch(operation, variables, path, what) {
  const { data, errors } = await run(operation, variables);
  return requireBranch(data, errors, path, what);
}

async function pathways(number) {
  const rows = await branch('PersonPathways', { prisonerNumber: number }, ['person', 'pathways'], 'pathway statuses');
  const td = (...c) => h('td', { class: 'govuk-table__cell' }, ...c);
  return scrollTable('Pathway statuses', h('table', { class: 'govuk-table' },
    h('caption', { class: 'govuk-table__caption govuk-visually-hidden' }, 'Pathway statuses'),
    h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' },
      ['Pathway', 'Status', 'History', 'Action'].map((t) => h('th', { scope: 'col', class: 'govuk-table__header' }, t)))),
    h('tbody', { class: 'govuk-table__body' }, rows.map((p) => h('tr', { class: 'govuk-table__row', 'data-pathway': p.pathway },
      td(words(p.pathway)),
      td(statusTag(p.status), p.updatedAt ? h('span', { class: 'govuk-body-s staff-friday' },
        `${formatDateTime(p.updatedAt)} by ${p.updatedBy}`) : null),
      td(p.history.length ? h('details', { class: 'govuk-details' },
        h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' },
          `${p.history.length} change${p.history.length === 1 ? '' : 's'}`, h('span', { class: 'govuk-visually-hidden' }, ` to ${words(p.pathway)}`))),
        h('div', { class: 'govuk-details__text' }, h('ul', { class: 'govuk-list govuk-body-s' }, p.history.map((e) =>
          h('li', {}, `${words(e.fromStatus || 'NOT_STARTED')} to ${words(e.toStatus)}, ${formatDateTime(e.changedAt)} by ${e.changedBy}`)))))
        : 'No changes yet'),
      td(link(`/staff/people/${number}/pathways/${p.pathway}`, h('span', {}, 'Update',
        h('span', { class: 'govuk-visually-hidden' }, ` ${words(p.pathway)}`)))))))));
}

async function caseNotes(number, chosen) {
  const pathway = PATHWAYS.includes(chosen) ? chosen : null;
  const page = await branch('PersonCaseNotes', { prisonerNumber: number, pathway }, ['person', 'caseNotes'], 'case notes');
  const form = h('form', { class: 'staff-filters', onsubmit: (event) => {
    event.preventDefault();
    const value = new FormData(event.target).get('notes');
    const url = new URL(window.location.href);
    url.searchParams.delete('notice');
    if (value) url.searchParams.set('notes', value); else url.searchParams.delete('notes');
    navigate(url.href);
  } },
  h('div', { class: 'govuk-form-group' }, h('label', { class: 'govuk-label', for: 'notes-pathway' }, 'Case notes for'),
    select('notes-pathway', 'notes', [['', 'All pathways'], ...PATHWAYS.map((p) => [p, words(p)])], pathway || '')),
  h('div', { class: 'govuk-form-group' }, h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary' }, 'Show case notes')));
  const noteItem = (n) => h('li', { class: 'govuk-!-margin-bottom-4', 'data-note-id': n.id, tabindex: '-1' },
    h('p', { class: 'govuk-body-s govuk-!-margin-bottom-1' }, `${words(n.pathway)}: ${words(n.status)}. ${formatDateTime(n.createdAt)} by ${n.createdBy}`),
    h('p', { class: 'govuk-body' }, n.text));
  if (!page.notes.length) return [form, h('p', { class: 'govuk-body' }, 'No case notes.')];
  const list = h('ul', { class: 'govuk-list', id: 'case-note-list' }, page.notes.map(noteItem));
  const shown = h('p', { class: 'govuk-body-s', id: 'case-notes-shown', role: 'status' });
  let cursor = page.nextCursor;
  const countShown = () => {
    const n = list.children.length;
    shown.textContent = `Showing ${n} of ${page.totalCount} case note${page.totalCount === 1 ? '' : 's'}`;
  };
  // The next page, after the connection's cursor, for the same pathway; focus moves to the first new note.
  const more = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', id: 'more-case-notes',
    onclick: async () => {
      more.disabled = true;
      const next = await branch('PersonCaseNotes', { prisonerNumber: number, pathway, after: cursor }, ['person', 'caseNotes'], 'case notes')
        .catch((error) => { shown.textContent = error.message; return null; });
      more.disabled = false;
      if (!next) return;
      const added = next.notes.map(noteItem);
      list.append(...added);
      cursor = next.nextCursor;
      countShown();
      if (!cursor) more.remove();
      if (added.length) added[0].focus();
    } }, 'Show more case notes');
  countShown();
  return [form, shown, list, cursor ? more : null];
}

function contact(c) {
  if (!c) return 'Not known';
  if (!c.allocated) return 'Not allocated';
  return [c.name, c.email, c.telephone].filter(Boolean).join(', ');
}

async function contacts(number) {
  const person = await branch('PersonContacts', { prisonerNumber: number }, ['person'], 'staff contacts');
  return summaryList([
    ['Community offender manager', contact(person.communityOffenderManager)],
    ['Prison offender manager', contact(person.prisonOffenderManager)],
    ['Key worker', contact(person.keyWorker)],
    ['Resettlement worker', person.resettlementWorker ? person.resettlementWorker.name : 'Unassigned'],
  ]);
}

async function licence(number) {
  const found = await branch('PersonLicence', { prisonerNumber: number }, ['person', 'licence'], 'licence conditions');
  if (!found) return h('p', { class: 'govuk-body' }, 'No licence yet.');
  const c = found.conditions || { standard: [], additional: [], bespoke: [] };
  const list = (title, items) => items.length ? [h('h3', { class: 'govuk-heading-s' }, title),
    h('ul', { class: 'govuk-list govuk-list--bullet' }, items.map((i) => h('li', {}, i.text)))] : null;
  return [summaryList([['Status', words(found.status)], ['Starts', formatDate(found.startDate)], ['Ends', formatDate(found.expiryDate)]]),
    list('Standard conditions', c.standard), list('Additional conditions', c.additional), list('Bespoke conditions', c.bespoke)];
}

export function addressText(a) { return a ? [...a.lines, a.town, a.county, a.postcode].filter(Boolean).join(', ') : null; }

async function appointments(number) {
  const { data, errors } = await run('PersonAppointments', { prisonerNumber: number, from: today() });
  const found = requireBranch(data, errors, ['person', 'appointments'], 'appointments');
  const add = link(`/staff/people/${number}/appointments/new`, 'Add an appointment', { class: 'govuk-button govuk-button--secondary', role: 'button' });
  if (!found || !found.length) return [h('p', { class: 'govuk-body' }, 'No appointments booked.'), add];
  return [h('ul', { class: 'govuk-list' }, found.map((a) => h('li', { class: 'govuk-!-margin-bottom-3' },
    h('strong', {}, `${a.type}: ${formatDateTime(a.start)}`),
    h('span', { class: 'govuk-body-s staff-friday' }, [a.staffName, a.location, addressText(a.address)].filter(Boolean).join(', '))))), add];
}

async function applications(number, reload) {
  const { data, errors } = await run('PersonApplications', { prisonerNumber: number });
  const person = requireBranch(data, errors, ['person'], 'applications');
  const td = (...c) => h('td', { class: 'govuk-table__cell' }, ...c);
  const th = (t) => h('th', { scope: 'col', class: 'govuk-table__header' }, t);
  const update = (kind, app, statuses) => {
    const id = `${kind}-${app.id}-status`;
    const message = h('span', { class: 'govuk-body-s', role: 'status' });
    return h('form', { class: 'staff-filters', onsubmit: async (event) => {
      event.preventDefault();
      const status = new FormData(event.target).get('status');
      const op = kind === 'id' ? 'UpdateIdApplication' : 'UpdateBankApplication';
      const reply = await run(op, { prisonerNumber: number, id: app.id, expectedVersion: app.version, status });
      if (reply.errors.length) { message.textContent = reply.errors[0].message; return; }
      await reload();
    } },
    h('div', { class: 'govuk-form-group' }, h('label', { class: 'govuk-label govuk-body-s', for: id }, 'New status'),
      select(id, 'status', statuses.map((s) => [s, words(s)]), app.status)),
    h('div', { class: 'govuk-form-group' }, h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary' }, 'Update')),
    message);
  };
  return [
    h('h3', { class: 'govuk-heading-s' }, 'ID applications'),
    person.idApplications.length ? scrollTable('ID applications', h('table', { class: 'govuk-table', id: 'id-applications' },
      h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' }, th('Document'), th('Submitted'), th('Cost'), th('Status'), th('Update'))),
      h('tbody', { class: 'govuk-table__body' }, person.idApplications.map((a) => h('tr', { class: 'govuk-table__row' },
        td(words(a.documentType), a.isPriorityApplication ? ' (priority)' : ''), td(formatDate(a.applicationSubmittedDate)),
        td(`£${a.costOfApplication}`), td(words(a.status)), td(update('id', a, ['PENDING', 'ACCEPTED', 'REJECTED', 'WITHDRAWN'])))))))
      : h('p', { class: 'govuk-body' }, 'No ID applications.'),
    link(`/staff/people/${number}/id-applications/new`, 'Add an ID application', { class: 'govuk-button govuk-button--secondary', role: 'button' }),
    h('h3', { class: 'govuk-heading-s' }, 'Bank account applications'),
    person.bankApplications.length ? scrollTable('Bank account applications', h('table', { class: 'govuk-table', id: 'bank-applications' },
      h('thead', { class: 'govuk-table__head' }, h('tr', { class: 'govuk-table__row' }, th('Bank'), th('Submitted'), th('Status'), th('Update'))),
      h('tbody', { class: 'govuk-table__body' }, person.bankApplications.map((a) => h('tr', { class: 'govuk-table__row' },
        td(a.bankName), td(formatDate(a.applicationSubmittedDate)), td(words(a.status)),
        td(update('bank', a, ['PENDING', 'ACCOUNT_OPENED', 'DECLINED', 'RETURNED_INCOMPLETE', 'WITHDRAWN'])))))))
      : h('p', { class: 'govuk-body' }, 'No bank account applications.'),
    link(`/staff/people/${number}/bank-applications/new`, 'Add a bank account application', { class: 'govuk-button govuk-button--secondary', role: 'button' }),
  ];
}

async function risk(number) {
  const found = await branch('PersonRisk', { prisonerNumber: number }, ['person', 'risk'], 'risk information');
  if (!found) return h('p', { class: 'govuk-body' }, 'No risk information.');
  const r = found.riskOfSeriousHarm;
  const m = found.mappa;
  return [
    h('h3', { class: 'govuk-heading-s' }, 'Risk of serious harm'),
    r ? summaryList([['Overall', words(r.overall)], ['Children', words(r.toChildren)], ['Public', words(r.toPublic)],
      ['Known adult', words(r.toKnownAdult)], ['Staff', words(r.toStaff)], ['Assessed', formatDateTime(r.assessedOn)]])
      : h('p', { class: 'govuk-body' }, 'No assessment.'),
    h('h3', { class: 'govuk-heading-s' }, 'MAPPA'),
    m ? summaryList([['Level', `${m.level} ${m.levelDescription || ''}`], ['Category', `${m.category} ${m.categoryDescription || ''}`],
      ['Review', formatDate(m.reviewDate)]]) : h('p', { class: 'govuk-body' }, 'Not managed under MAPPA.'),
    h('h3', { class: 'govuk-heading-s' }, 'Predictor scores'),
    found.predictors && found.predictors.length ? h('ul', { class: 'govuk-list' }, found.predictors.map((p) =>
      h('li', {}, `${p.name}: ${p.score}${p.level ? ` (${words(p.level)})` : ''}`))) : h('p', { class: 'govuk-body' }, 'None.'),
  ];
}
