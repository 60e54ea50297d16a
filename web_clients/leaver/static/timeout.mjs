// The idle warning: two minutes before the session's idle clock runs out, show the warning banner and move
// focus to it; when the clock has run out, go to the "signed out" page. Without JavaScript the page's own
// "we will sign you out at" text is the warning, and the server signs the person out all the same.
const WARN_BEFORE_MS = 120 * 1000

export function startTimeoutWarning (doc = document, win = window) {
  const expiry = doc.getElementById('session-expiry')
  const warning = doc.getElementById('timeout-warning')
  if (!expiry || !warning) return
  const idleMs = Number(expiry.dataset.idleSeconds) * 1000
  if (!(idleMs > 0)) return
  const warnBefore = Math.min(WARN_BEFORE_MS, idleMs / 2)
  win.setTimeout(() => {
    warning.hidden = false
    warning.focus()
  }, idleMs - warnBefore)
  win.setTimeout(() => win.location.assign(expiry.dataset.signedOutUrl), idleMs)
}
