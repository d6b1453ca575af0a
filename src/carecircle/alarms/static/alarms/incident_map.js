/* The map of the incident card. The map box (#map) sits outside the card, so it is never swapped:
   the Leaflet map is created ONCE, on the first card that carries a #card-map (data-lat, data-lng,
   data-exact, data-caption), and each later card (an action's answer, a live refresh, another
   incident chosen) only moves its view and its marker.

   Why: the card used to hold the map. htmx swaps a card by copying the old element's class and
   style onto the new element with the same id and restoring them after its settle delay, so a map
   drawn into the new #map lost its `leaflet-container` class (and the box its position) a moment
   later: the tiles vanished and the zoom buttons, positioned against the page instead, jumped onto
   the logo (issue 18). */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var caption = document.getElementById("map-caption");
  if (!box || !window.ccMaps) return;
  var map = null, marker = null, shown = "";

  function show() {
    var at = document.getElementById("card-map");
    if (!at || !at.dataset.lat) {
      if (!document.querySelector("[id^='card-']")) return;  // no card at all: leave the map as it is
      box.hidden = true; caption.hidden = true; shown = "";
      return;
    }
    var centre = [+at.dataset.lat, +at.dataset.lng], exact = at.dataset.exact === "1";
    var key = centre.join(",") + (exact ? "!" : "");
    caption.textContent = at.dataset.caption || "";
    caption.hidden = !caption.textContent;
    if (box.hidden) { box.hidden = false; if (map) map.invalidateSize(); }
    if (!map) map = ccMaps.create(box, centre, exact ? 16 : 14);
    if (key === shown) return;  // the same place: keep what the operator panned or zoomed to
    shown = key;
    map.setView(centre, exact ? 16 : 14);
    if (marker) { marker.remove(); marker = null; }
    if (exact) marker = L.marker(centre).addTo(map);
  }

  show();
  document.body.addEventListener("htmx:afterSettle", show);
})();
