// The staff app: a router over the History API. All page state lives in the URL.
import { currentSession, loadSession, onSignedOut, SignedOut } from './api.js';
import { clear, h, heading, link } from './dom.js';
import { caseloadPage } from './caseload.js';
import { personPage } from './person.js';
import { statusPage, appointmentPage, idApplicationPage, bankApplicationPage } from './forms.js';
import { assignPage } from './assign.js';
import { dashboardPage } from './dashboard.js';
import { packPage } from './pack.js';

const ROUTES = [
  [/^\/staff\/?$/, home],
  [/^\/staff\/signed-out$/, signedOutPage],
  [/^\/staff\/caseload$/, caseloadPage],
  [/^\/staff\/assign$/, assignPage],
  [/^\/staff\/dashboard$/, dashboardPage],
  [/^\/staff\/people\/([A-Z0-9]+)$/, personPage],
  [/^\/staff\/people\/([A-Z0-9]+)\/pathways\/([A-Z_]+)$/, statusPage],
  [/^\/staff\/people\/([A-Z0-9]+)\/appointments\/new$/, appointmentPage],
  [/^\/staff\/people\/([A-Z0-9]+)\/id-applications\/new$/, idApplicationPage],
  [/^\/staff\/people\/([A-Z0-9]+)\/bank-applications\/new$/, bankApplicationPage],
  [/^\/staff\/people\/([A-Z0-9]+)\/pack$/, packPage],
];

const root = () => document.getElementById('app');
let rendering = 0;

export function navigate(href, { replace = false } = {}) {
  const url = new URL(href, window.location.href);
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render();
}

function renderNav() {
  const nav = clear(document.getElementById('staff-nav'));
  const session = currentSession();
  if (!session || !session.signedIn) return;
  nav.append(
    h('p', { class: 'govuk-body-s' }, `Signed in as ${session.name}`),
    link('/staff/caseload', 'Caseload', { class: 'govuk-link govuk-body-s' }),
    link('/staff/dashboard', 'Dashboard', { class: 'govuk-link govuk-body-s' }),
    h('form', { method: 'post', action: '/staff/sign-out' },
      h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary' }, 'Sign out')),
  );
}

async function render() {
  const ticket = ++rendering;
  root().setAttribute('aria-busy', 'true');
  const session = currentSession();
  const path = window.location.pathname;
  const container = document.createElement('div');
  const match = ROUTES.map(([pattern, page]) => [pattern.exec(path), page]).find(([m]) => m);
  renderNav();
  try {
    if (!match) {
      container.append(...heading('Page not found'), h('p', { class: 'govuk-body' }, link('/staff', 'Go to the start')));
    } else if (match[1] !== signedOutPage && (!session || !session.signedIn) && match[1] !== home) {
      signInPage(container);
    } else {
      await match[1](container, ...match[0].slice(1));
    }
  } catch (error) {
    if (error instanceof SignedOut) { showSignedOut(); root().removeAttribute('aria-busy'); return; }
    container.append(...heading('Sorry, there is a problem with the service'),
      h('p', { class: 'govuk-body' }, 'Try again later.'));
    console.error(error);
  }
  if (ticket !== rendering) return;
  const app = clear(root());
  app.append(...container.childNodes);
  app.removeAttribute('aria-busy');
  const title = app.querySelector('h1');
  document.title = `${title ? title.textContent : 'Page'}: Prepare someone for release`;
  if (title) title.focus();
}

function home(container) {
  const session = currentSession();
  if (session && session.signedIn) { navigate('/staff/caseload', { replace: true }); return; }
  signInPage(container);
}

function signInPage(container) {
  container.append(...heading('Prepare someone for release'),
    h('p', { class: 'govuk-body' }, 'Sign in with your HMPPS account to see your caseload.'),
    h('a', { href: '/staff/sign-in', class: 'govuk-button govuk-button--start', role: 'button', draggable: 'false',
      'data-external': 'true' }, 'Sign in'));
}

function signedOutPage(container) {
  container.append(...heading('You have been signed out'),
    h('p', { class: 'govuk-body' }, 'Your session has ended. Anything you had not saved has not been saved.'),
    h('a', { href: '/staff/sign-in', class: 'govuk-button', role: 'button', 'data-external': 'true' }, 'Sign in again'));
}

function showSignedOut() {
  // Stay on the same URL so signing in again can bring the user back; the page says what happened.
  const app = clear(root());
  signedOutPage(app);
  renderNav();
  document.title = 'You have been signed out: Prepare someone for release';
  app.querySelector('h1').focus();
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[href]');
  if (!anchor || anchor.dataset.external || anchor.target || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith('/staff')) return;
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
  event.preventDefault();
  navigate(url.href);
});

window.addEventListener('popstate', () => render());

async function start() {
  document.body.classList.add('js-enabled', 'govuk-frontend-supported');
  onSignedOut(showSignedOut);
  const session = await loadSession();
  if (session.signedIn && session.expiresAt) {
    const wait = session.expiresAt * 1000 - Date.now();
    if (wait > 0 && wait < 2 ** 31) setTimeout(() => { session.signedIn = false; showSignedOut(); }, wait);
  }
  await render();
}

start();
