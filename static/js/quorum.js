// The decisions screen: who is checked in now against the quorum, asked of the server every
// few seconds while delegates arrive at the door. Without script the figure is the one of the
// page's load and the "Count again" link reloads it.
(function () {
  "use strict";
  var card = document.querySelector("[data-live-quorum]");
  if (!card || !window.fetch) return;
  var url = card.getAttribute("data-live-quorum");
  var announce = card.querySelector("[data-quorum-announce]");
  var every = 2500;
  var wasMet = null;

  function set(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function show(figures) {
    document.querySelectorAll("[data-quorum-text]").forEach(function (el) { set(el, figures.text); });
    document.querySelectorAll("[data-quorum-state]").forEach(function (el) {
      set(el, figures.state);
      el.classList.toggle("status-published", figures.quorum_met);
      el.classList.toggle("status-cancelled", !figures.quorum_met);
    });
    figures.by_delegation.forEach(function (row) {
      document.querySelectorAll('[data-present-now="' + row.delegation_id + '"]').forEach(function (el) {
        set(el, String(row.present));
      });
    });
    // Said aloud once when the quorum is reached or lost, not at every new arrival.
    if (announce && wasMet !== null && wasMet !== figures.quorum_met) set(announce, figures.state + ": " + figures.text);
    wasMet = figures.quorum_met;
  }

  function ask() {
    if (document.hidden) return window.setTimeout(ask, every);
    var again = true;
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        // Logged out, or no longer allowed: the figure stays as it was, "Count again" reloads.
        if (answer.status === 401 || answer.status === 403) again = false;
        return answer.ok ? answer.json() : null;
      })
      .then(function (figures) { if (figures) show(figures); })
      .catch(function () { /* the next turn asks again */ })
      .then(function () { if (again) window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
})();
