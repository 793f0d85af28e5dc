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

  // Confirm buttons: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
