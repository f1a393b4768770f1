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
})();
