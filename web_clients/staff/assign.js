// Assign a resettlement worker to one or many people. Every worker the prison's allocations know is listed
// with how many people they already have, so the choice can follow capacity.
import { currentSession, prisonId, run } from './api.js';
import { append, errorSummary, field, h, heading, link } from './dom.js';
import { navigate } from './app.js';

const NUMBER = /^[A-Z]\d{4}[A-Z]{2}$/;

// The prison's workers with their load, or null when they could not be read (the form still works).
async function workers() {
  const { data } = await run('WorkerLoad', { prisonId: prisonId() });
  return data && data.prison && data.prison.workers ? data.prison.workers : null;
}

function load(n) { return `Assigned ${n} ${n === 1 ? 'person' : 'people'} now`; }

function radio(id, value, label, hint) {
  return h('div', { class: 'govuk-radios__item' },
    h('input', { class: 'govuk-radios__input', type: 'radio', name: 'who', id, value,
      'aria-describedby': hint ? `${id}-hint` : null }),
    h('label', { class: 'govuk-label govuk-radios__label', for: id }, label),
    hint ? h('div', { class: 'govuk-hint govuk-radios__hint', id: `${id}-hint` }, hint) : null);
}

function otherWorkerFields() {
  return h('div', { class: 'govuk-inset-text', id: 'other-worker' },
    h('p', { class: 'govuk-body' }, 'For a worker not listed above:'),
    field('worker-staff-id', 'Their staff id', h('input', { class: 'govuk-input govuk-input--width-10', id: 'worker-staff-id', name: 'staffId' })),
    field('worker-name', 'Their name', h('input', { class: 'govuk-input govuk-input--width-20', id: 'worker-name', name: 'name' })),
    field('worker-username', 'Their username', h('input', { class: 'govuk-input govuk-input--width-20', id: 'worker-username', name: 'username' })));
}

export async function assignPage(container) {
  const params = new URL(window.location.href).searchParams;
  const people = (params.get('people') || '').split(',').filter((n) => NUMBER.test(n)).slice(0, 200);
  const backTo = (params.get('back') || '').startsWith('/staff/') ? params.get('back') : '/staff/caseload';
  const session = currentSession();
  const me = { staffId: session.username, name: session.name, username: session.username };
  const backLink = h('p', { class: 'govuk-body' }, link(backTo, 'Back', { class: 'govuk-back-link' }));
  if (!people.length) {
    container.append(backLink, ...heading('Assign a worker'), h('p', { class: 'govuk-body' }, 'Choose people on the caseload first.'));
    return;
  }
  const known = await workers();
  const mine = known ? (known.find((w) => w.staffId === me.staffId) || { assignedCount: 0 }).assignedCount : null;
  const others = (known || []).filter((w) => w.staffId !== me.staffId);
  const chosenWorker = new Map(others.map((w, i) => [`worker-${i}`, w]));

  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = new FormData(form);
    const who = String(v.get('who') || '');
    let worker = who === 'me' ? me : chosenWorker.get(who);
    if (!who) { showProblem(['Choose who will be their resettlement worker']); return; }
    if (who === 'other') {
      worker = { staffId: String(v.get('staffId') || '').trim(), name: String(v.get('name') || '').trim(),
        username: String(v.get('username') || '').trim() };
      if (!worker.staffId || !worker.name || !worker.username) {
        showProblem(['Enter the worker\'s staff id, name and username']); return;
      }
    }
    const action = who === 'nobody' ? run('UnassignWorker', { prisonerNumbers: people })
      : run('AssignWorker', { prisonerNumbers: people,
        worker: { staffId: worker.staffId, name: worker.name, username: worker.username } });
    const { data, errors } = await action;
    if (errors.length || !data) { showProblem(errors.map((e) => e.message)); return; }
    const url = new URL(backTo, window.location.href);
    if (url.pathname.startsWith('/staff/people/')) url.searchParams.set('notice', 'assigned');
    navigate(url.pathname + url.search);
  } });
  function showProblem(items) {
    form.querySelector('.govuk-error-summary')?.remove();
    const box = errorSummary('There is a problem', items);
    form.prepend(box); box.focus();
  }
  const radios = h('div', { class: 'govuk-radios', 'data-module': 'govuk-radios' },
    radio('who-me', 'me', `Me (${me.name})`, mine === null ? null : load(mine)),
    others.map((w, i) => radio(`who-worker-${i}`, `worker-${i}`, w.name, load(w.assignedCount))),
    radio('who-other', 'other', 'Another worker', null),
    h('div', { class: 'govuk-radios__divider' }, 'or'),
    radio('who-nobody', 'nobody', 'Nobody: unassign them', null));
  radios.querySelector('#who-me').checked = true;
  append(form, [
    known === null ? h('div', { class: 'govuk-inset-text' }, 'The list of workers could not be loaded. You can still assign yourself or enter a worker.') : null,
    h('div', { class: 'govuk-form-group' }, h('fieldset', { class: 'govuk-fieldset', id: 'workers' },
      h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--m' }, 'Who will be their resettlement worker?'),
      h('div', { class: 'govuk-hint' }, 'Each worker shows how many people in this prison they are assigned now.'),
      radios)),
    otherWorkerFields(),
    h('button', { type: 'submit', class: 'govuk-button', id: 'assign-submit' }, 'Save')]);
  container.append(backLink, ...heading(people.length === 1 ? 'Assign a worker' : `Assign a worker to ${people.length} people`),
    h('p', { class: 'govuk-body' }, `People: ${people.join(', ')}`), form);
}
