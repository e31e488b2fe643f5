// The workspace's small amount of script. Everything works without it (forms post and
// redirect); it adds the CSRF header to htmx requests, drag-and-drop ordering and confirmations.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) event.detail.headers["x-csrftoken"] = token.content;
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Drag-and-drop ordering: a list with data-reorder-url posts the new order of its
  // items' data-id values as item_ids (the same form the move buttons use).
  function setupReorder(list) {
    var dragged = null;
    list.querySelectorAll("[data-id]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (e) {
        dragged = item;
        item.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", item.dataset.id);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        list.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
      });
      item.addEventListener("dragover", function (e) {
        if (!dragged || dragged === item) return;
        e.preventDefault();
        item.classList.add("drop-target");
      });
      item.addEventListener("dragleave", function () { item.classList.remove("drop-target"); });
      item.addEventListener("drop", function (e) {
        e.preventDefault();
        item.classList.remove("drop-target");
        if (!dragged || dragged === item) return;
        list.insertBefore(dragged, item);
        send(list);
      });
    });
  }

  function send(list) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = list.dataset.reorderUrl;
    form.style.display = "none";
    var csrf = document.createElement("input");
    csrf.name = "_csrf_token";
    csrf.value = token ? token.content : "";
    form.appendChild(csrf);
    list.querySelectorAll("[data-id]").forEach(function (item) {
      var input = document.createElement("input");
      input.name = "item_ids";
      input.value = item.dataset.id;
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reorder-url]").forEach(setupReorder);
  });
})();
