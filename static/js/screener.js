/* The screener page: focus the error summary, and show each date field only once its
   question is answered "yes". Without this script every date field is simply there, and the
   server ignores a date sent with "no". */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  var groups = document.querySelectorAll("[data-reveal-for]");
  Array.prototype.forEach.call(groups, function (group) {
    var name = group.getAttribute("data-reveal-for");
    var radios = document.querySelectorAll('input[type="radio"][name="' + name + '"]');
    var question = group.closest("fieldset") || group.parentNode;
    // A question that came back with an error keeps its date field in view, whatever is
    // selected, so the patient sees everything the message may be about.
    var hadError = question.querySelector(".is-invalid") !== null;

    function answeredYes() {
      return Array.prototype.some.call(radios, function (radio) {
        return radio.value === "yes" && radio.checked;
      });
    }

    function update(onLoad) {
      if (answeredYes()) {
        group.hidden = false;
      } else if (!(onLoad && hadError)) {
        group.hidden = true;
      }
    }

    Array.prototype.forEach.call(radios, function (radio) {
      if (radio.value === "yes") {
        radio.setAttribute("aria-controls", group.id);
      }
      radio.addEventListener("change", function () {
        update(false);
      });
    });
    update(true);
  });
})();
