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

  // Confirm buttons: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
