/* The ringing panel (issue 18, routing): the calls ringing for this operator, refreshed from the
   server on every event of the consoles' stream (a ring addressed to this centre, an incident
   answered elsewhere) and every few seconds besides. window.ccRinging is read by the tests. */
(function () {
  "use strict";
  var panel = document.getElementById("ringing-panel");
  if (!panel) return;
  var box = document.getElementById("ringing");
  var state = window.ccRinging = {refreshed: 0, rings: 0};
  var pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      fetch(panel.dataset.ringingUrl, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
        box.innerHTML = html;  // the server's own escaped fragment
        state.refreshed += 1;
      });
    }, 150);
  }
  var source = new EventSource(panel.dataset.streamUrl);
  source.onmessage = function (m) {
    var ev = JSON.parse(m.data);
    if (ev.type === "ring") state.rings += 1;
    refresh();
  };
  setInterval(refresh, 5000);
})();
