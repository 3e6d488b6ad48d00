/* The patient's forms: focus the error summary, and show each date field only once its
   question is answered "yes". Without this script every date field is simply there, and the
   server ignores a date sent with "no". */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // As GOV.UK does: a link to a radio or date brings its whole question (the fieldset's
    // legend) into view, not just the input, then focuses the input.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) {
        return;
      }
      var question = input.closest("fieldset") || input;
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      question.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  var groups = document.querySelectorAll("[data-reveal-for]");
  Array.prototype.forEach.call(groups, function (group) {
    var name = group.getAttribute("data-reveal-for");
    var radios = document.querySelectorAll('input[type="radio"][name="' + name + '"]');
    function answeredYes() {
      return Array.prototype.some.call(radios, function (radio) {
        return radio.value === "yes" && radio.checked;
      });
    }

    // Shown only for "yes", also after an error: a question not answered at all has no date.
    function update() {
      group.hidden = !answeredYes();
    }

    Array.prototype.forEach.call(radios, function (radio) {
      if (radio.value === "yes") {
        radio.setAttribute("aria-controls", group.id);
      }
      radio.addEventListener("change", update);
    });
    update();
  });
})();
