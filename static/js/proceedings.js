// The proceedings' progress page (templates/public/proceedings_status.html): follows the render
// and opens the PDF when it is ready. A file of its own: the Content-Security-Policy allows no
// inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("proceedings-status");
  var bar = box && box.querySelector("progress");
  if (!bar) return; // the PDF is ready, or its render failed: nothing to follow
  var stages = JSON.parse(box.dataset.stageNames || "{}"); // the stages in the page's language
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.percent;
        box.querySelector("[data-percent]").textContent = s.percent;
        box.querySelector("[data-stage]").textContent = stages[s.stage] || s.stage;
        if (s.state === "done") { window.location = box.dataset.pdfUrl; return; }
        if (s.state === "failed") { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
});
