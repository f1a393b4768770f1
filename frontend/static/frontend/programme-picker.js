// The offer brief's programme picker: a filter box that hides the programmes that do not match
// what is typed, and a summary of the chosen ones. Without this file the picker is a plain,
// grouped list of checkboxes. No inline handlers or styles (Content-Security-Policy).
(function () {
  "use strict";

  function setUp(picker) {
    var filterBox = picker.querySelector("[data-programme-filter]");
    var input = filterBox && filterBox.querySelector("input");
    var summary = picker.querySelector("[data-programme-summary]");
    var noMatch = picker.querySelector("[data-programme-nomatch]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-programme-option]"));
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-programme-group]"));

    function applyFilter() {
      var words = (input.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var text = option.getAttribute("data-filter-text") || "";
        var box = option.querySelector("input");
        // A chosen programme stays visible, so nobody unticks what they cannot see.
        var match = (box && box.checked) || words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-programme-option]:not([hidden])");
      });
      if (noMatch) { noMatch.hidden = shown > 0; }
    }

    function summarise() {
      if (!summary) { return; }
      var chosen = options.filter(function (option) {
        var box = option.querySelector("input");
        return box && box.checked;
      }).map(function (option) {
        return option.querySelector("label").textContent.replace(/\s+/g, " ").trim();
      });
      summary.textContent = chosen.length
        ? summary.getAttribute("data-some") + " " + chosen.join("; ")
        : summary.getAttribute("data-none");
      summary.hidden = false;
    }

    if (filterBox && input) {
      filterBox.hidden = false;
      input.addEventListener("input", applyFilter);
      // Enter in the filter box must not submit the brief.
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    }
    picker.addEventListener("change", function (event) {
      if (event.target && event.target.name === "programmes") { summarise(); }
    });
    summarise();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-programme-picker]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
