/* The facility finder's map: the listed facilities as markers on the platform's basemap (ccMaps);
   the list beside it says the same in text, so the map is never the only way to read it. */
(function () {
  "use strict";
  var box = document.getElementById("finder-map");
  if (!box || !window.ccMaps) return;
  var points = ccMaps.data("finder-points") || [];
  var map = ccMaps.create(box, [30.27, 120.15], 12);
  var bounds = [];
  points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lng], {radius: 9, weight: 2, color: "#fff", fillColor: "#0b6e4f", fillOpacity: 0.9});
    m.bindTooltip(ccMaps.text(p.name + "（" + p.kind + "）"));
    m.on("click", function () { var el = document.getElementById(p.anchor); if (el) el.scrollIntoView(); });
    m.addTo(map);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) map.fitBounds(bounds, {padding: [20, 20], maxZoom: 15});
})();
