// A Plan your future pack to print on A4: next appointments with directions, licence conditions, a first-time code.
import { run } from './api.js';
import { formatDate, formatDateTime, h, heading, link, today } from './dom.js';
import { addressText } from './person.js';

export async function packPage(container, number) {
  const { data, errors } = await run('PlanYourFuturePack', { prisonerNumber: number, from: today() });
  const person = data && data.person;
  if (!person) { container.append(...heading('Person not found')); return; }
  const down = errors;  // any missing branch: an outage, or a record that could not be read
  const codeBox = h('div', { id: 'first-time-code' });
  const issue = h('button', { type: 'button', class: 'govuk-button govuk-button--secondary no-print', id: 'issue-code', onclick: async () => {
    issue.disabled = true;
    const reply = await run('IssueFirstTimeCode', { prisonerNumber: number });
    issue.disabled = false;
    const code = reply.data && reply.data.issueFirstTimeCode;
    codeBox.replaceChildren(code
      ? h('div', {}, h('p', { class: 'govuk-body' }, 'Your first-time code:'), h('p', { class: 'staff-code', id: 'code-value' }, code.code),
        h('p', { class: 'govuk-body' }, `Use it with your date of birth by ${formatDateTime(code.expiresAt)}. It works once.`))
      : h('p', { class: 'govuk-body' }, 'A code could not be issued. Try again.'));
    issue.textContent = 'Issue a new code (the old one stops working)';
  } }, 'Issue a first-time code');
  const appointments = person.appointments || [];
  const conditions = person.licence && person.licence.conditions;
  const allConditions = conditions ? [...conditions.standard, ...conditions.additional, ...conditions.bespoke] : [];
  container.append(h('div', { class: 'staff-pack' },
    h('p', { class: 'govuk-body no-print' }, link(`/staff/people/${number}`, 'Back to the person', { class: 'govuk-back-link' })),
    ...heading(`Plan your future: ${person.firstName} ${person.lastName}`),
    h('p', { class: 'govuk-body' }, `Prison number ${person.prisonerNumber}. Release date ${formatDate(person.releaseDate)}.`),
    down.length ? h('div', { class: 'govuk-warning-text' }, h('strong', { class: 'govuk-warning-text__text' },
      'Some information is missing because a system is unavailable. Print the pack again later.')) : null,
    h('section', { 'aria-labelledby': 'pack-appointments' }, h('h2', { class: 'govuk-heading-m', id: 'pack-appointments' }, 'Your appointments'),
      appointments.length ? h('ol', { class: 'govuk-list' }, appointments.slice(0, 10).map((a) => h('li', { class: 'govuk-!-margin-bottom-4' },
        h('p', { class: 'govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1' }, `${formatDateTime(a.start)}: ${a.type}`),
        h('p', { class: 'govuk-body govuk-!-margin-bottom-1' }, [a.staffName ? `With ${a.staffName}` : null, a.location].filter(Boolean).join(', ')),
        a.address ? h('p', { class: 'govuk-body' }, 'Address: ', addressText(a.address)) : null,
        a.notes ? h('p', { class: 'govuk-body-s' }, a.notes) : null)))
        : h('p', { class: 'govuk-body' }, 'No appointments yet.')),
    h('section', { 'aria-labelledby': 'pack-licence' }, h('h2', { class: 'govuk-heading-m', id: 'pack-licence' }, 'Your licence conditions'),
      allConditions.length ? h('ul', { class: 'govuk-list govuk-list--bullet' }, allConditions.map((c) => h('li', {}, c.text)))
        : h('p', { class: 'govuk-body' }, errors.some((e) => e.path && e.path[1] === 'licence')
          ? 'Your licence conditions could not be read just now. Your probation practitioner will tell you them.'
          : 'Your licence is not ready yet. Your probation practitioner will tell you your conditions.')),
    h('section', { 'aria-labelledby': 'pack-contact' }, h('h2', { class: 'govuk-heading-m', id: 'pack-contact' }, 'Your probation practitioner'),
      h('p', { class: 'govuk-body' }, person.communityOffenderManager && person.communityOffenderManager.name
        ? [person.communityOffenderManager.name, person.communityOffenderManager.telephone].filter(Boolean).join(', ') : 'Not allocated yet.')),
    h('section', { 'aria-labelledby': 'pack-code' }, h('h2', { class: 'govuk-heading-m', id: 'pack-code' }, 'Sign in to Plan your future'),
      h('p', { class: 'govuk-body' }, 'Sign in with GOV.UK One Login, then enter this code and your date of birth.'), codeBox, issue),
    h('button', { type: 'button', class: 'govuk-button no-print', id: 'print-pack', onclick: () => window.print() }, 'Print this pack')));
}
