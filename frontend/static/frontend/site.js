/* Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them. */
(function () {
  "use strict";
  // Error summaries take focus so a screen reader announces what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
