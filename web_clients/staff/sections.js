// A page section that loads, and fails, on its own.
import { errorsAt, unavailableSystems, SignedOut } from './api.js';
import { clear, h } from './dom.js';

export const SYSTEM_NAMES = { delius: 'nDelius', nomis: 'NOMIS', licences: 'Create and vary a licence',
  appointments: 'the appointments system' };

export function section(id, title, load) {
  const body = h('div', { class: 'staff-section__body' }, h('p', { class: 'govuk-body' }, 'Loading…'));
  const el = h('section', { class: 'staff-section', id, 'aria-labelledby': `${id}-title`, 'aria-busy': 'true' },
    h('h2', { class: 'govuk-heading-m', id: `${id}-title` }, title), body);
  const reload = async () => {
    el.setAttribute('aria-busy', 'true');
    try {
      const content = await load(reload);
      clear(body).append(...[content].flat(Infinity).filter(Boolean));
      el.classList.remove('staff-section__failed');
    } catch (error) {
      if (error instanceof SignedOut) return;
      el.classList.add('staff-section__failed');
      clear(body).append(failure(error.message || 'This section could not be loaded.', reload));
    } finally {
      el.removeAttribute('aria-busy');
    }
  };
  reload();
  return el;
}

function failure(message, reload) {
  return h('div', { class: 'staff-section__error', 'data-section-error': 'true' },
    h('p', { class: 'govuk-body' }, message),
    h('button', { type: 'button', class: 'govuk-button govuk-button--secondary', onclick: reload }, 'Try again'));
}

export class SectionFailed extends Error {}

// Throw when the branch of the answer this section shows is missing; name the system that is down.
export function requireBranch(data, errors, path, what) {
  const here = errorsAt(errors, path);
  let value = data;
  for (const part of path) value = value == null ? value : value[part];
  const down = unavailableSystems(here);
  if (down.length) {
    throw new SectionFailed(`${down.map((s) => SYSTEM_NAMES[s] || s).join(' and ')} is unavailable, so ${what} `
      + 'cannot be shown right now. The rest of the page still works. Try again later.');
  }
  if (here.length) throw new SectionFailed(`Some of the ${what} could not be loaded (${here[0].message}) Try again later.`);
  return value;
}
