/* QA workspace behaviour; every page works without it. No inline scripts (CSP). */
(function () {
  "use strict";
  // A rubric form warns before leaving with unsaved answers.
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-unsaved-warning]");
    if (!form) { return; }
    var dirty = false;
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && form.contains(event.detail.elt)) { dirty = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
