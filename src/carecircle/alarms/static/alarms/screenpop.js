/* The caller screen-pop (来电弹屏): every few seconds the console asks the server for the call its
   operator answered (alarms:call_pop, which answers 204 while the card shown is still right) and
   shows that caller's card above the queue: the persons and family contacts the number belongs to,
   or a new caller's card, with one click to turn the call into an incident in the console's panel.
   Settings come from this script tag's data attributes. window.ccPop is read by the browser tests. */
(function () {
  "use strict";
  var script = document.currentScript;
  var anchor = document.getElementById("console");
  if (!script || !script.dataset.popUrl || !anchor) return;
  var cfg = script.dataset;
  var every = parseInt(cfg.every || "2000", 10);
  if (cfg.css) {
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = cfg.css;
    document.head.appendChild(css);
  }
  var box = document.createElement("aside");
  box.id = "screenpop"; box.className = "screenpop card"; box.hidden = true;
  box.setAttribute("aria-live", "assertive");
  if (cfg.label) box.setAttribute("aria-label", cfg.label);
  anchor.parentNode.insertBefore(box, anchor);
  var state = window.ccPop = {shown: "", polls: 0, pops: 0};

  function callOf(key) { return key ? key.split("-")[0] : ""; }
  function show(html) {
    box.innerHTML = html;  // the server's own escaped fragment
    if (window.htmx) window.htmx.process(box);
    var card = box.querySelector("[data-pop-key]");
    var key = card ? card.dataset.popKey : "";
    if (key && callOf(key) !== callOf(state.shown)) state.pops += 1;  // another call
    state.shown = key;
    box.hidden = !card;
  }
  box.addEventListener("htmx:afterSwap", function () {
    if (!box.querySelector("[data-pop-key]")) { box.hidden = true; state.shown = ""; }  // closed
  });
  function poll() {
    state.polls += 1;
    fetch(cfg.popUrl + "?shown=" + encodeURIComponent(state.shown), {credentials: "same-origin"})
      .then(function (r) { return r.status === 204 || !r.ok ? null : r.text(); })
      .then(function (html) { if (html !== null) show(html); })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { setTimeout(poll, every); });
  }
  poll();
})();
