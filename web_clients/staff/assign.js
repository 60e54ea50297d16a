// Assign a resettlement worker to one or many people, showing how many each worker already has.
import { currentSession, prisonId, run } from './api.js';
import { errorSummary, field, h, heading, link } from './dom.js';
import { navigate } from './app.js';

const NUMBER = /^[A-Z]\d{4}[A-Z]{2}$/;

async function load(staffId) {
  const { data } = await run('WorkerLoad', { prisonId: prisonId(), staffId });
  return data && data.prison && data.prison.caseload ? data.prison.caseload.totalCount : null;
}

export async function assignPage(container) {
  const params = new URL(window.location.href).searchParams;
  const people = (params.get('people') || '').split(',').filter((n) => NUMBER.test(n)).slice(0, 200);
  const backTo = (params.get('back') || '').startsWith('/staff/') ? params.get('back') : '/staff/caseload';
  const session = currentSession();
  const me = { staffId: session.username, name: session.name, username: session.username };
  const mine = await load(me.staffId);
  const backLink = h('p', { class: 'govuk-body' }, link(backTo, 'Back', { class: 'govuk-back-link' }));
  if (!people.length) {
    container.append(backLink, ...heading('Assign a worker'), h('p', { class: 'govuk-body' }, 'Choose people on the caseload first.'));
    return;
  }
  const otherLoad = h('p', { class: 'govuk-body-s', role: 'status', id: 'other-load' });
  const form = h('form', { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = new FormData(form);
    const worker = v.get('who') === 'me' ? me : { staffId: String(v.get('staffId') || '').trim(),
      name: String(v.get('name') || '').trim(), username: String(v.get('username') || '').trim() };
    if (v.get('who') === 'other' && (!worker.staffId || !worker.name || !worker.username)) {
      showProblem(['Enter the worker\'s staff id, name and username']); return;
    }
    const action = v.get('who') === 'nobody' ? run('UnassignWorker', { prisonerNumbers: people })
      : run('AssignWorker', { prisonerNumbers: people, worker });
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
  const radio = (value, label, hint, checked) => h('div', { class: 'govuk-radios__item' },
    h('input', { class: 'govuk-radios__input', type: 'radio', name: 'who', id: `who-${value}`, value, checked }),
    h('label', { class: 'govuk-label govuk-radios__label', for: `who-${value}` }, label),
    hint ? h('div', { class: 'govuk-hint govuk-radios__hint', id: `who-${value}-hint` }, hint) : null);
  form.append(
    h('div', { class: 'govuk-form-group' }, h('fieldset', { class: 'govuk-fieldset' },
      h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--m' }, 'Who will be their resettlement worker?'),
      h('div', { class: 'govuk-radios' },
        radio('me', `Me (${me.name})`, mine === null ? null : `Already assigned ${mine} ${mine === 1 ? 'person' : 'people'}`, true),
        radio('other', 'Another worker', null, false),
        radio('nobody', 'Nobody: unassign them', null, false)))),
    h('div', { class: 'govuk-inset-text' },
      field('worker-staff-id', 'Staff id of another worker', h('input', { class: 'govuk-input govuk-input--width-10', id: 'worker-staff-id', name: 'staffId',
        onchange: async (e) => { const n = e.target.value.trim() ? await load(e.target.value.trim()) : null;
          otherLoad.textContent = n === null ? '' : `This worker is already assigned ${n} ${n === 1 ? 'person' : 'people'}.`; } })),
      otherLoad,
      field('worker-name', 'Their name', h('input', { class: 'govuk-input govuk-input--width-20', id: 'worker-name', name: 'name' })),
      field('worker-username', 'Their username', h('input', { class: 'govuk-input govuk-input--width-20', id: 'worker-username', name: 'username' }))),
    h('button', { type: 'submit', class: 'govuk-button', id: 'assign-submit' }, 'Save'));
  container.append(backLink, ...heading(people.length === 1 ? 'Assign a worker' : `Assign a worker to ${people.length} people`),
    h('p', { class: 'govuk-body' }, `People: ${people.join(', ')}`), form);
}
