/* Behaviour every page may use, declared with data attributes (the Content-Security-Policy allows
   no inline script and no onclick=/onchange= attributes):
     <select data-autosubmit>                    sends its form when the choice changes
     <select data-autosubmit data-clear="group"> … after emptying the form's field "group"
     <button data-print>                         prints the page
     <a data-back href="…">                      goes back in the history (the href is the fallback) */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-autosubmit]");
    if (!el || !el.form) return;
    var clear = el.dataset.clear;
    if (clear && el.form.elements[clear]) el.form.elements[clear].value = "";
    el.form.submit();
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest) return;
    if (e.target.closest("[data-print]")) { e.preventDefault(); window.print(); return; }
    var back = e.target.closest("a[data-back]");
    if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
})();
