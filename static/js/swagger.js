// Starts Swagger UI on /schema (server/apidocs.py): a file of its own because the
// Content-Security-Policy allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var container = document.getElementById("swagger-container");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  });
});
