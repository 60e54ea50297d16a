// Starts GOV.UK Frontend's components and the idle warning. Loaded as a module, so it only runs in browsers
// that support them; the pages work the same without it.
import { initAll } from '/assets/govuk/govuk-frontend.min.js'
import { startTimeoutWarning } from './timeout.mjs'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
startTimeoutWarning()
