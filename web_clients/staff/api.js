// The app's only way to the API: persisted operations by id, with the session cookie and the CSRF token.
let session = null;
let operationIds = null;
const signedOutListeners = [];

export class SignedOut extends Error {}

export function onSignedOut(listener) { signedOutListeners.push(listener); }

function signedOut() {
  session = { signedIn: false };
  for (const listener of signedOutListeners) listener();
}

export async function loadSession() {
  const reply = await fetch('/staff/session', { credentials: 'same-origin', cache: 'no-store' });
  session = reply.ok ? await reply.json() : { signedIn: false };
  return session;
}

export function currentSession() { return session; }

export function prisonId() {
  const url = new URL(window.location.href);
  const chosen = url.searchParams.get('prison');
  const caseloads = (session && session.caseloads) || [];
  return caseloads.includes(chosen) ? chosen : caseloads[0];
}

async function ids() {
  if (!operationIds) {
    const reply = await fetch('/staff/operations.json', { credentials: 'same-origin' });
    operationIds = await reply.json();
  }
  return operationIds;
}

// The result as GraphQL sends it: { data, errors }. A 401 means the session is over.
export async function run(operation, variables = {}) {
  if (!session || !session.signedIn) throw new SignedOut();
  const id = (await ids())[operation];
  if (!id) throw new Error(`unknown operation ${operation}`);
  const reply = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
    body: JSON.stringify({ id, variables }),
  });
  if (reply.status === 401 || (reply.status === 403 && (await peekCode(reply)) === 'CSRF_REFUSED')) {
    signedOut();
    throw new SignedOut();
  }
  const body = await reply.json();
  return { data: body.data || null, errors: body.errors || [] };
}

async function peekCode(reply) {
  try { return (await reply.clone().json()).errors[0].extensions.code; } catch { return null; }
}

export function errorCode(error) { return error && error.extensions ? error.extensions.code : undefined; }

// Errors under a path prefix, e.g. ['person', 'risk'].
export function errorsAt(errors, prefix) {
  return errors.filter((e) => Array.isArray(e.path) && prefix.every((part, i) => e.path[i] === part));
}

export function unavailableSystems(errors) {
  return [...new Set(errors.filter((e) => errorCode(e) === 'UPSTREAM_UNAVAILABLE')
    .map((e) => e.extensions.system))];
}
