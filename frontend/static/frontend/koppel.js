// Koppel: small progressive enhancements. Every page works without this file.
// No inline handlers or styles: the Content-Security-Policy allows only our own static files.
(function () {
  "use strict";

  // ---- Confirm dialog ------------------------------------------------------------------------
  // <form data-confirm="Question?" data-confirm-label="Publiceren"> asks in an accessible
  // <dialog> before it submits. The dialog is cloned from <template id="confirm-dialog-template">
  // in base.html, which carries the translated button texts. Without JS the form just submits;
  // without <dialog> support the browser's confirm() asks.
  var ACCEPTED = "confirmAccepted";
  var PENDING = "confirmPending";

  function submitAgain(form, submitter) {
    form.dataset[ACCEPTED] = "1";
    if (typeof form.requestSubmit === "function") {
      if (submitter && submitter.form === form) {
        form.requestSubmit(submitter);
      } else {
        form.requestSubmit();
      }
      return;
    }
    // Old browsers: keep the submitter's name/value in a hidden field, then submit.
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    delete form.dataset[ACCEPTED];
    form.submit();
  }

  function askInDialog(form, submitter, question) {
    var template = document.getElementById("confirm-dialog-template");
    var fragment = template && template.content ? template.content.cloneNode(true) : null;
    var dialog = fragment && fragment.querySelector("dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return window.confirm(question) ? submitAgain(form, submitter) : undefined;
    }
    var returnFocusTo = submitter || form.querySelector("[type=submit], button:not([type])");
    var title = dialog.querySelector("[data-confirm-title]");
    var accept = dialog.querySelector("[data-confirm-accept]");
    var cancel = dialog.querySelector("[data-confirm-cancel]");
    var label = form.getAttribute("data-confirm-label");
    title.textContent = question;
    if (label) {
      accept.textContent = label;
    }
    if (form.classList.contains("danger") || form.getAttribute("data-confirm-danger") !== null) {
      accept.classList.add("button-danger");
    }
    form.dataset[PENDING] = "1";
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var accepted = dialog.returnValue === "accept";
      dialog.remove();
      delete form.dataset[PENDING];
      if (accepted) {
        submitAgain(form, submitter);
      } else if (returnFocusTo && typeof returnFocusTo.focus === "function") {
        returnFocusTo.focus();
      }
    });
    // Escape fires "cancel" and closes with an empty returnValue: that means no.
    dialog.returnValue = "";
    dialog.showModal();
    cancel.focus();
  }

  // Capture phase: runs before htmx or other handlers on the form itself.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (!question) return;
      if (form.dataset[ACCEPTED]) {
        delete form.dataset[ACCEPTED];
        return; // The person said yes: let this submit through.
      }
      event.preventDefault();
      event.stopPropagation();
      if (form.dataset[PENDING]) return; // Already asking (double click, Enter twice).
      askInDialog(form, event.submitter || null, question);
    },
    true
  );

  // ---- Menu button ----------------------------------------------------------------------------
  // On narrow screens the main menu folds behind a "Menu" button (aria-expanded). Without JS the
  // button stays hidden and the menu is shown as a list. Language and log out stay visible.
  function setUpMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var header = toggle && toggle.closest(".site-header");
    if (!header) return;
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("is-open", open);
    }
    header.classList.add("is-collapsible");
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true" && toggle.offsetParent !== null) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // ---- Wide tables --------------------------------------------------------------------------
  // Every .table sits in a box that scrolls sideways (.table-wrap). A box that overflows gets
  // tabindex=0, role=region and a name, so keyboard users can scroll it, plus a visible hint.
  function tableName(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = table.closest("section, .card, main");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  }

  function updateScrollBox(box) {
    var table = box.querySelector("table");
    if (!table) return;
    var overflows = box.scrollWidth > box.clientWidth + 1;
    var hint = box.nextElementSibling && box.nextElementSibling.classList.contains("table-hint") ? box.nextElementSibling : null;
    if (overflows) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var name = tableName(table);
      if (name) box.setAttribute("aria-label", name);
      if (!hint) {
        var template = document.getElementById("table-hint-template");
        if (template && template.content) {
          hint = template.content.firstElementChild.cloneNode(true);
          box.insertAdjacentElement("afterend", hint);
        }
      }
      if (hint) hint.hidden = false;
    } else {
      if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
      if (hint) hint.hidden = true;
    }
  }

  function setUpTables(root) {
    (root || document).querySelectorAll("table.table").forEach(function (table) {
      var parent = table.parentElement;
      if (parent && !parent.matches(".table-wrap, .table-scroll, .utrecht-table-container")) {
        var box = document.createElement("div");
        box.className = "table-wrap";
        parent.insertBefore(box, table);
        box.appendChild(table);
      }
    });
    document.querySelectorAll(".table-wrap, .table-scroll, .utrecht-table-container").forEach(updateScrollBox);
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { setUpTables(); }, 150);
  });

  // After an htmx swap, move focus to an element that asks for it (e.g. search results count),
  // so keyboard and screen-reader users notice the change.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    setUpTables(target);
    var focusable = target && target.querySelector && target.querySelector("[data-autofocus]");
    if (focusable) {
      focusable.focus();
    }
  });

  // Buttons with data-print print the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });

  // Optional drag to reorder the student's ranked choices; the numbers and the ↑/↓ buttons
  // work without it.
  function setUpRankedList() {
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
  }

  function start() {
    setUpMenu();
    setUpTables();
    setUpRankedList();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
