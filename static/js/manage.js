// The workspace's small amount of script. Everything works without it (forms post and
// redirect); it adds the CSRF header to htmx requests, drag-and-drop ordering and confirmations.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');

  // A form answered with a page (its messages, the desk's result) shows the address of the
  // page it was sent from, not the form's endpoint: a reload then reads, it does not resend.
  var address = document.querySelector('meta[name="page-address"]');
  if (address && window.history.replaceState) {
    window.history.replaceState(null, "", address.content + window.location.hash);
  }
  document.addEventListener("htmx:configRequest", function (event) {
    if (token) event.detail.headers["x-csrftoken"] = token.content;
  });

  // A select that switches the page (the check-in desk's session) submits its form at once.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-submit-on-change")) field.form.submit();
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

  // Person pickers (templates/manage/partials/picker.html): htmx fills .picker-results as
  // people type; choosing a result sets the hidden id. Typing again forgets the choice.
  function picker(el) { return el && el.closest ? el.closest("[data-picker]") : null; }

  function choose(box, option) {
    var value = box.querySelector("[data-picker-value]");
    var was = box.querySelector("[data-picker-was]");
    var typed = box.querySelector('input[type="search"]');
    if (value) value.value = option.dataset.id;
    if (was) was.value = option.dataset.label;
    typed.value = option.dataset.label;
    close(box);
    showPositionsOf(box);
    typed.focus();
  }

  // A "position" select beside a person picker offers the chosen person's positions only
  // (whose each position is: the page's [data-position-holders] block).
  function showPositionsOf(box) {
    var value = box.querySelector("[data-picker-value]");
    var holders = document.querySelector("[data-position-holders]");
    if (!value || !holders || !value.name) return;
    var form = box.closest("form");
    var select = form && form.querySelector('select[name="' + value.name.replace(/person_id$/, "position_id") + '"]');
    if (!select || select === value) return;
    var owners = JSON.parse(holders.textContent || "{}");
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      option.hidden = option.disabled = !value.value || String(owners[option.value]) !== value.value;
      if (option.hidden && option.selected) select.value = "";
    });
  }

  function close(box) {
    var results = box.querySelector(".picker-results");
    if (results) results.innerHTML = "";
    var typed = box.querySelector('input[type="search"]');
    if (typed) typed.setAttribute("aria-expanded", "false");
  }

  function options(box) { return Array.prototype.slice.call(box.querySelectorAll(".picker-option")); }

  document.addEventListener("input", function (event) {
    var box = picker(event.target);
    if (!box || event.target.type !== "search") return;
    var value = box.querySelector("[data-picker-value]");
    var was = box.querySelector("[data-picker-was]");
    if (value && (!was || event.target.value.trim() !== was.value)) {
      value.value = "";
      showPositionsOf(box);
    }
    if (!event.target.value.trim()) close(box);
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest ? event.target.closest(".picker-option") : null;
    if (option) {
      choose(picker(option), option);
      return;
    }
    document.querySelectorAll("[data-picker]").forEach(function (box) {
      if (!box.contains(event.target)) close(box);
    });
  });

  document.addEventListener("keydown", function (event) {
    var box = picker(event.target);
    if (!box) return;
    var list = options(box);
    if (!list.length) return;
    var current = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = event.key === "ArrowDown" ? current + 1 : current - 1;
      if (next < 0) { box.querySelector('input[type="search"]').focus(); return; }
      list[Math.min(next, list.length - 1)].focus();
    } else if (event.key === "Enter" && event.target.type === "search") {
      // Enter in the search box takes the first result instead of sending the form.
      event.preventDefault();
      choose(box, list[0]);
    } else if (event.key === "Escape") {
      event.preventDefault(); // closes the results but keeps what was typed
      close(box);
      box.querySelector('input[type="search"]').focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = picker(event.detail.target);
    if (!box) return;
    var typed = box.querySelector('input[type="search"]');
    if (typed) typed.setAttribute("aria-expanded", options(box).length ? "true" : "false");
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reorder-url]").forEach(setupReorder);
    document.querySelectorAll("[data-picker]").forEach(showPositionsOf);
  });
})();
