/* The result page: "Print or save this page" opens the print dialog. Without this script
   the link leads to the instructions further down the page. */
(function () {
  "use strict";
  var links = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });
})();
