/* wagecase page behaviour: small things that htmx and Bootstrap do not do by themselves. */
(function () {
  "use strict";

  // Show the error of a failed htmx request (403, 404, 500) instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : "";
    var target = event.detail.target;
    if (target) {
      target.classList.add("text-danger");
      target.setAttribute("title", "HTTP " + status);
    }
  });

  // A chart axis's amounts, short in the page's language: 4,000,000 → "400万" (Chinese), "4M" (English).
  // The full figure ran past the chart's right edge ("4,000,00"); the tooltip still gives it whole.
  var compactFormat = null;
  window.wcCompactNumber = function (value) {
    if (compactFormat === null) {
      try {
        compactFormat = new Intl.NumberFormat(document.documentElement.lang || undefined, {notation: "compact", maximumFractionDigits: 1});
      } catch (error) {
        compactFormat = new Intl.NumberFormat();
      }
    }
    return compactFormat.format(value);
  };

  // The colour of a compliance rate's bar by its level (projects.selectors.rate_level), as the
  // .wc-rate-* text classes: met green, near orange, short red.
  var RATE_COLORS = {met: "#198754", near: "#fd7e14", short: "#b22222"};
  window.wcRateColor = function (level) {
    return RATE_COLORS[level] || "#adb5bd";
  };

  // A list's filter panel hidden or shown ([data-wc-toggle-filters], templates/generic/object_list.html):
  // hidden, the table takes the whole width (its last columns need no scrolling on a laptop's screen).
  // The choice is kept in this browser for every list.
  var FILTERS_KEY = "wc-filters-hidden";

  var filtersHiddenNow = false;

  function showFilters(hidden) {
    filtersHiddenNow = hidden;
    document.querySelectorAll(".wc-list").forEach(function (list) { list.classList.toggle("wc-filters-hidden", hidden); });
    document.querySelectorAll("[data-wc-toggle-filters]").forEach(function (button) {
      button.setAttribute("aria-expanded", hidden ? "false" : "true");
      button.classList.toggle("active", !hidden);
    });
  }

  function filtersHidden() {
    try { return window.localStorage.getItem(FILTERS_KEY) === "1"; } catch (error) { return false; }
  }

  document.addEventListener("DOMContentLoaded", function () { showFilters(filtersHidden()); });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-wc-toggle-filters]")) { return; }
    var hidden = !filtersHiddenNow;
    try { window.localStorage.setItem(FILTERS_KEY, hidden ? "1" : "0"); } catch (error) { /* private mode: this page only */ }
    showFilters(hidden);
  });

  // Confirm buttons: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
