/* The operator console: a live queue (server-sent events), a sound on new high-priority alarms,
   and the selected incident's card in the panel (htmx). URLs and texts come from #console's data
   attributes. window.ccLive is read by the browser tests. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var cfg = root.dataset;
  var live = document.getElementById("live");
  var state = window.ccLive = {events: 0, last: null, selected: null, seen: new Set()};
  document.querySelectorAll("#queue tr.row").forEach(function (tr) { state.seen.add(tr.dataset.id); });
  var audio = null;
  document.getElementById("sound").addEventListener("click", function () {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume(); beep();
    this.textContent = cfg.textSoundOn;
  });
  function beep() {
    if (!audio) return;
    // Two short tones made with the Web Audio API (no audio files).
    [0, 0.25].forEach(function (t) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "square"; osc.frequency.value = t ? 660 : 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime + t);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + t + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + t); osc.stop(audio.currentTime + t + 0.21);
    });
  }
  var pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      fetch(cfg.queueUrl, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
        document.getElementById("queue").innerHTML = html;  // the server's own escaped fragment
        markSelected();
      });
    }, 200);
  }
  function markSelected() {
    document.querySelectorAll("#queue tr.row").forEach(function (tr) {
      tr.classList.toggle("selected", tr.dataset.id === state.selected);
    });
  }
  document.getElementById("queue").addEventListener("click", function (e) {
    var tr = e.target.closest("tr.row");
    if (!tr) return;
    state.selected = tr.dataset.id; markSelected();
    htmx.ajax("GET", tr.dataset.card, {target: "#panel", swap: "innerHTML"});
  });
  // The selected card is drawn again when its incident changes, but never while a request of the
  // panel is under way (an action on the card, whose answer is the new card): once it is done, if
  // something changed meanwhile. So the card is drawn one request at a time — the handler's first
  // draw writes the unmasking rows (alarms/card.py), and the next draw finds them written.
  var panel = document.getElementById("panel");
  var card = {inflight: 0, since: 0, stale: false, timer: null};
  panel.addEventListener("htmx:beforeRequest", function () { card.inflight += 1; card.since = Date.now(); });
  panel.addEventListener("htmx:afterRequest", function () {
    card.inflight = Math.max(0, card.inflight - 1);
    if (!card.inflight && card.stale) { card.stale = false; cardRefresh(); }
  });
  function cardRefresh() {
    if (card.inflight && Date.now() - card.since > 15000) card.inflight = 0;  // a request that never ended
    if (card.inflight) { card.stale = true; return; }
    if (card.timer) return;
    card.timer = setTimeout(function () {
      card.timer = null;
      var id = state.selected;
      if (!id || !document.getElementById("card-" + id)) return;
      if (card.inflight) { card.stale = true; return; }
      htmx.ajax("GET", cfg.incidentsUrl + encodeURIComponent(id) + "/card/", {target: "#panel", swap: "innerHTML"});
    }, 150);
  }
  var source = new EventSource(cfg.streamUrl);
  source.addEventListener("hello", function () {
    live.textContent = cfg.textLive; live.className = "live on";
    refresh();  // anything that happened while not connected
  });
  source.onmessage = function (m) {
    var ev = JSON.parse(m.data);
    state.events += 1; state.last = ev;
    if (ev.high && ev.state === "new" && !state.seen.has(String(ev.id))) beep();
    state.seen.add(String(ev.id));
    refresh();
    if (state.selected === String(ev.id) && document.getElementById("card-" + ev.id)) cardRefresh();
  };
  source.onerror = function () { live.textContent = cfg.textLost; live.className = "live off"; };
})();
