// Officer workspace ("một cửa"): small keyboard helpers. Loaded with `defer`; the pages
// work without it (strict CSP: no inline script).
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.add("js");
  if (window.htmx) { doc.classList.add("htmx"); }

  // Enter in the procedure search box searches; it must not submit the reception.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.matches || !target.matches("[data-enter=search]")) {
      return;
    }
    event.preventDefault();
    if (window.htmx) { window.htmx.trigger(target, "search"); }
  });

  // After a search replaced the procedure options, load the checklist of the one
  // selected (a single match is selected at once).
  document.addEventListener("htmx:afterSwap", function (event) {
    var select = event.detail.target;
    if (!select || select.id !== "id_procedure") { return; }
    var real = Array.prototype.filter.call(select.options, function (o) { return o.value; });
    if (real.length === 1) { real[0].selected = true; }
    if (window.htmx) { window.htmx.trigger(select, "change"); }
  });

  // A component ticked "Thiếu" has no copies: clear its counts; mark the row.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[name=missing]")) { return; }
    var row = box.closest("[data-row]");
    if (!row) { return; }
    row.classList.toggle("is-missing", box.checked);
    if (box.checked) {
      row.querySelectorAll("input[type=number]").forEach(function (input) { input.value = "0"; });
    }
  });

  // "/" focuses the search box of the page (as on many sites), outside text fields.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var box = document.querySelector("input[type=search]");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  });

  // Opening an action focuses its first field.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.action") || !details.open) { return; }
    var first = details.querySelector("textarea, select, input:not([type=hidden]), button");
    if (first) { first.focus(); }
  }, true);
})();
