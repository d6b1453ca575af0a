/* The map of an incident's card (#map with data-lat/data-lng): drawn when the page loads (the
   incident page) and each time htmx puts a card into the console's panel. */
(function () {
  "use strict";
  function draw() {
    var m = document.getElementById("map");
    if (!m || !m.dataset.lat || !window.ccMaps || m.dataset.drawn) return;
    m.dataset.drawn = "1";
    var at = [+m.dataset.lat, +m.dataset.lng];
    var map = ccMaps.create(m, at, 16);
    L.marker(at).addTo(map);
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "panel") draw();
  });
})();
