// The print button of a printed ledger (no inline script: the Content Security Policy forbids it).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".js-print")) {
      window.print();
    }
  });
})();
