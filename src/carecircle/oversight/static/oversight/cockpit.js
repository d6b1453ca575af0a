/* The cockpit's map (oversight/templates/oversight/cockpit.html): each supervised unit a circle in
   its credit grade's colour, a thick amber ring when it has open warnings, a black square outline
   when a major hazard suspends it. Names go into popups as text (ccMaps.text), never markup. */
(function () {
  "use strict";
  var box = document.getElementById("cockpit-map");
  if (!box || !window.ccMaps) return;
  var t = box.dataset;
  var colours = {A: t.colourA, B: t.colourB, C: t.colourC, D: t.colourD};
  var points = ccMaps.data("cockpit-points") || [];
  var map = ccMaps.create(box, [30.27, 120.15], 11);
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: p.suspended ? 9 : 7,
      weight: p.warnings ? 4 : (p.suspended ? 3 : 1),
      color: p.suspended ? "#111" : (p.warnings ? "#f59e0b" : "#fff"),
      fillColor: colours[p.grade] || "#666",
      fillOpacity: 0.9,
      className: "cockpit-marker grade-" + p.grade + (p.warnings ? " has-warnings" : "") + (p.suspended ? " suspended" : "")
    }).addTo(map);
    var popup = document.createElement("div");
    popup.appendChild(ccMaps.text(p.name));
    popup.appendChild(document.createElement("br"));
    popup.appendChild(ccMaps.text(p.kind + " · " + t.textGrade + " " + p.grade));
    if (p.warnings) { popup.appendChild(document.createElement("br")); popup.appendChild(ccMaps.text(t.textWarnings + " " + p.warnings)); }
    if (p.suspended) { popup.appendChild(document.createElement("br")); popup.appendChild(ccMaps.text(t.textSuspended)); }
    marker.bindPopup(popup);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length) map.fitBounds(bounds, {padding: [20, 20], maxZoom: 15});
})();
