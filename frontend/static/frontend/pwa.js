/* Installable app: register the service worker; after a report is sent, forget its draft. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* not supported here */ });
    });
  }
  if (window.location.pathname.indexOf("/report/sent/") === 0) {
    try {
      var key = sessionStorage.getItem("civic311-sending");
      if (key) { localStorage.removeItem(key); sessionStorage.removeItem("civic311-sending"); }
    } catch (e) { /* storage off */ }
  }
})();
