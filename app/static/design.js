// GOV.UK Frontend's components on the back-office pages: the class that says its JavaScript runs (set here,
// not inline: the Content-Security-Policy refuses inline scripts), then every component of the page.
import { initAll } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
