// Forms that change something: a pathway status (with conflict handling), an appointment, applications.
import { errorCode, run } from './api.js';
import { errorSummary, field, formatDateTime, h, heading, link, PATHWAYS, select, STATUSES, statusTag, today, words } from './dom.js';
import { navigate } from './app.js';

function back(number) {
  return h('p', { class: 'govuk-body' }, link(`/staff/people/${number}`, 'Back to the person', { class: 'govuk-back-link' }));
}

function done(number, notice, extra = {}) {
  navigate(`/staff/people/${number}?${new URLSearchParams({ notice, ...extra })}`);
}

function showErrors(form, errors) {
  form.querySelector('.govuk-error-summary')?.remove();
  const items = errors.map((e) => {
    const fieldName = e.extensions && e.extensions.field;
    return fieldName ? `${e.message} (${fieldName})` : e.message;
  });
  const summary = errorSummary('There is a problem', items);
  form.prepend(summary);
  summary.focus();
}

function radios(name, legend, options, checked) {
  return h('div', { class: 'govuk-form-group' }, h('fieldset', { class: 'govuk-fieldset' },
    h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s' }, legend),
    h('div', { class: 'govuk-radios govuk-radios--small' }, options.map(([value, text]) => h('div', { class: 'govuk-radios__item' },
      h('input', { class: 'govuk-radios__input', type: 'radio', id: `${name}-${value}`, name, value, checked: value === checked }),
      h('label', { class: 'govuk-label govuk-radios__label', for: `${name}-${value}` }, text))))));
}

export async function statusPage(container, number, pathway) {
  if (!PATHWAYS.includes(pathway)) { container.append(...heading('Page not found')); return; }
  const { data } = await run('PersonPathways', { prisonerNumber: number });
  const current = data && data.person && data.person.pathways.find((p) => p.pathway === pathway);
  if (!current) { container.append(...heading('Person not found'), back(number)); return; }
  let expectedVersion = current.version;
  const currentLine = h('p', { class: 'govuk-body', id: 'current-status' }, 'Current status: ', statusTag(current.status));
  const conflictBox = h('div', { id: 'conflict' });
  const submit = h('button', { type: 'submit', class: 'govuk-button', id: 'save-status' }, 'Save status and case note');
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = new FormData(form);
    const input = { prisonerNumber: number, pathway, status: values.get('status'), caseNote: String(values.get('caseNote') || '').trim(), expectedVersion };
    if (!input.caseNote) { showErrors(form, [{ message: 'Enter a case note' }]); return; }
    submit.disabled = true;
    const { data: result, errors } = await run('SetPathwayStatus', { input });
    submit.disabled = false;
    const conflict = errors.find((e) => errorCode(e) === 'CONFLICT');
    if (conflict) { showConflict(conflict.extensions.current || {}, input); return; }
    if (errors.length || !result) { showErrors(form, errors); return; }
    const { caseNote } = result.setPathwayStatus;
    done(number, 'status', { pathway, status: input.status, delivery: caseNote.status, system: caseNote.system });
  } },
  radios('status', 'New status', STATUSES.map((s) => [s, words(s)]), current.status),
  field('case-note', 'Case note', h('textarea', { class: 'govuk-textarea', id: 'case-note', name: 'caseNote', rows: '5',
    'aria-describedby': 'case-note-hint' }), 'It is added to the person\'s case notes in NOMIS or nDelius.'),
  conflictBox, submit);

  function showConflict(now, mine) {
    expectedVersion = now.version;
    currentLine.replaceChildren('Current status: ', statusTag(now.status));
    form.querySelector('.govuk-error-summary')?.remove();
    conflictBox.replaceChildren(h('div', { class: 'govuk-error-summary', tabindex: '-1', role: 'alert', id: 'conflict-summary' },
      h('h2', { class: 'govuk-error-summary__title' }, 'Someone else changed this pathway while you were editing'),
      h('div', { class: 'govuk-error-summary__body' },
        h('p', { class: 'govuk-body' }, 'It is now ', statusTag(now.status),
          now.updatedBy ? ` (changed by ${now.updatedBy}${now.updatedAt ? `, ${formatDateTime(now.updatedAt)}` : ''})` : '', '.'),
        h('p', { class: 'govuk-body' }, `Your change was not saved: ${words(mine.status)}, with your case note below. `
          + 'Check it still makes sense, then apply it again.'))));
    submit.textContent = 'Apply my change again';
    conflictBox.firstChild.focus();
  }

  container.append(back(number), ...heading(`Update ${words(pathway).toLowerCase()}`, number),
    currentLine, form);
}

export async function appointmentPage(container, number) {
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = new FormData(form);
    const date = String(v.get('date') || ''); const time = String(v.get('time') || '');
    const start = new Date(`${date}T${time}`);
    if (!date || !time || Number.isNaN(start.getTime())) { showErrors(form, [{ message: 'Enter a date and a time' }]); return; }
    const input = { prisonerNumber: number, type: String(v.get('type')), start: start.toISOString(),
      durationMinutes: parseInt(String(v.get('duration')), 10) || 0, location: String(v.get('location') || '') || null,
      notes: String(v.get('notes') || '') || null };
    const { data, errors } = await run('CreateAppointment', { input });
    if (errors.length || !data) { showErrors(form, errors); return; }
    const { delivery } = data.createAppointment;
    done(number, 'appointment', { delivery: delivery.status, system: delivery.system });
  } },
  field('appointment-type', 'Type', select('appointment-type', 'type', [['Accommodation', 'Accommodation'],
    ['Probation', 'Probation'], ['Health', 'Health'], ['Employment', 'Employment'], ['Benefits', 'Benefits'], ['Other', 'Other']], 'Probation')),
  field('appointment-date', 'Date', h('input', { class: 'govuk-input govuk-input--width-10', type: 'date', id: 'appointment-date', name: 'date', value: tomorrow, min: today() })),
  field('appointment-time', 'Time', h('input', { class: 'govuk-input govuk-input--width-5', type: 'time', id: 'appointment-time', name: 'time', value: '10:00' })),
  field('appointment-duration', 'Duration in minutes', h('input', { class: 'govuk-input govuk-input--width-3', type: 'number', id: 'appointment-duration', name: 'duration', value: '60', min: '5', max: '480', inputmode: 'numeric' })),
  field('appointment-location', 'Location (optional)', h('input', { class: 'govuk-input', id: 'appointment-location', name: 'location', autocomplete: 'off' })),
  field('appointment-notes', 'Notes (optional)', h('textarea', { class: 'govuk-textarea', id: 'appointment-notes', name: 'notes', rows: '3' })),
  h('button', { type: 'submit', class: 'govuk-button' }, 'Request appointment'));
  container.append(back(number), ...heading('Add an appointment', number), form);
}

const DOCUMENTS = ['BIRTH_CERTIFICATE', 'DRIVING_LICENCE', 'PASSPORT', 'ADOPTION_CERTIFICATE', 'MARRIAGE_CERTIFICATE',
  'CIVIL_PARTNERSHIP_CERTIFICATE', 'DIVORCE_CERTIFICATE', 'BIOMETRIC_RESIDENCE_PERMIT', 'DEED_POLL'];

export async function idApplicationPage(container, number) {
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = new FormData(form);
    const cost = String(v.get('cost') || '').trim();
    if (!/^\d+(\.\d{1,2})?$/.test(cost)) { showErrors(form, [{ message: 'Enter the cost in pounds, like 11.00' }]); return; }
    const { data, errors } = await run('RecordIdApplication', { prisonerNumber: number, documentType: v.get('documentType'),
      applicationSubmittedDate: String(v.get('submitted')), costOfApplication: cost, isPriorityApplication: v.get('priority') === 'yes' });
    if (errors.length || !data) { showErrors(form, errors); return; }
    done(number, 'id-application');
  } },
  field('document-type', 'Document', select('document-type', 'documentType', DOCUMENTS.map((d) => [d, words(d)]), 'BIRTH_CERTIFICATE')),
  field('submitted', 'Date submitted', h('input', { class: 'govuk-input govuk-input--width-10', type: 'date', id: 'submitted', name: 'submitted', value: today(), max: today() })),
  field('cost', 'Cost in pounds', h('input', { class: 'govuk-input govuk-input--width-5', id: 'cost', name: 'cost', inputmode: 'decimal', value: '' })),
  h('div', { class: 'govuk-form-group' }, h('div', { class: 'govuk-checkboxes govuk-checkboxes--small' }, h('div', { class: 'govuk-checkboxes__item' },
    h('input', { class: 'govuk-checkboxes__input', type: 'checkbox', id: 'priority', name: 'priority', value: 'yes' }),
    h('label', { class: 'govuk-label govuk-checkboxes__label', for: 'priority' }, 'Priority application')))),
  h('button', { type: 'submit', class: 'govuk-button' }, 'Record ID application'));
  container.append(back(number), ...heading('Add an ID application', number), form);
}

export async function bankApplicationPage(container, number) {
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = new FormData(form);
    const bankName = String(v.get('bankName') || '').trim();
    if (!bankName) { showErrors(form, [{ message: 'Enter the bank' }]); return; }
    const { data, errors } = await run('RecordBankApplication', { prisonerNumber: number, bankName, applicationSubmittedDate: String(v.get('submitted')) });
    if (errors.length || !data) { showErrors(form, errors); return; }
    done(number, 'bank-application');
  } },
  field('bank-name', 'Bank', h('input', { class: 'govuk-input govuk-input--width-20', id: 'bank-name', name: 'bankName' })),
  field('bank-submitted', 'Date submitted', h('input', { class: 'govuk-input govuk-input--width-10', type: 'date', id: 'bank-submitted', name: 'submitted', value: today(), max: today() })),
  h('button', { type: 'submit', class: 'govuk-button' }, 'Record bank account application'));
  container.append(back(number), ...heading('Add a bank account application', number), form);
}
