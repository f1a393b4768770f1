// Koppel: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Forms with data-confirm ask before submitting (e.g. reject an offer, publish a round).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // After an htmx swap, move focus to an element that asks for it (e.g. search results count),
  // so keyboard and screen-reader users notice the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var focusable = target && target.querySelector && target.querySelector("[data-autofocus]");
    if (focusable) {
      focusable.focus();
    }
  });
  // Buttons with data-print print the page (no inline handlers: the Content-Security-Policy
  // allows only scripts from our own static files).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
  // Optional drag to reorder the student's ranked choices; the numbers and the ↑/↓ buttons
  // work without it.
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("ranked-list");
    if (!list) return;
    var dragged = null;
    function renumber() {
      list.querySelectorAll("li[data-offer]").forEach(function (li, i) {
        var input = li.querySelector("input.position");
        if (input) input.value = i + 1;
      });
    }
    list.addEventListener("dragstart", function (e) { dragged = e.target.closest("li[data-offer]"); });
    list.addEventListener("dragover", function (e) { e.preventDefault(); });
    list.addEventListener("drop", function (e) {
      e.preventDefault();
      var target = e.target.closest("li[data-offer]");
      if (dragged && target && dragged !== target) {
        list.insertBefore(dragged, target);
        renumber();
      }
    });
  });
})();
