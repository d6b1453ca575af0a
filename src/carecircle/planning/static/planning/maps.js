/* The planning maps: an indicator's children, a coverage run's uncovered cells, a siting's new
   sites. Each page writes its data with json_script; names reach Leaflet as text nodes. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.ccMaps) return;

  var indicator = ccMaps.data("indicator-map-data");
  if (indicator) {
    var map = ccMaps.create(el, indicator.centre, 12), group = [];
    var label = function (p) { return ccMaps.text(p.name + "：" + (p.value === null ? "—" : p.value.toFixed(2))); };
    indicator.points.forEach(function (p) {
      var colour = indicator.colours[p.status];
      var style = {color: colour, fillColor: colour, fillOpacity: .45, weight: 2};
      if (p.boundary) {  // the region's own outline when the division import carried one
        var shape = L.geoJSON(p.boundary, {style: style}).bindTooltip(label(p), {sticky: true}).addTo(map);
        var b = shape.getBounds(); group.push(b.getSouthWest(), b.getNorthEast());
      } else {
        L.circleMarker([p.lat, p.lng], Object.assign({radius: 14}, style))
          .bindTooltip(label(p), {permanent: true, direction: "top"}).addTo(map);
        group.push([p.lat, p.lng]);
      }
    });
    if (group.length > 1) map.fitBounds(group, {padding: [40, 40]});
    return;
  }

  var coverage = ccMaps.data("coverage-map-data");
  if (coverage) {
    var cmap = ccMaps.create(el, coverage.centre, 12), all = [];
    var max = coverage.cells.reduce(function (m, c) { return Math.max(m, c.n); }, 1);
    coverage.cells.forEach(function (c) {
      L.polygon(c.b, {weight: 1, color: "#b42318", fillColor: "#b42318", fillOpacity: .15 + .6 * (c.n / max)})
        .bindTooltip(ccMaps.text(c.place + "：" + c.n + " " + (el.dataset.uncoveredLabel || ""))).addTo(cmap);
      all = all.concat(c.b);
    });
    // the facilities that serve already: the gaps are what lies beyond their walk
    (coverage.facilities || []).forEach(function (f) {
      L.circleMarker([f.lat, f.lng], {radius: 6, weight: 2, color: "#fff", fillColor: "#0b6e4f", fillOpacity: .95,
        className: "facility-marker"}).bindTooltip(ccMaps.text(f.name + " · " + f.kind)).addTo(cmap);
      all.push([f.lat, f.lng]);
    });
    if (all.length) cmap.fitBounds(all, {padding: [20, 20]});
    return;
  }

  var siting = ccMaps.data("siting-map-data");
  if (siting) {
    var smap = ccMaps.create(el, siting.centre, 12), pts = [];
    siting.sites.forEach(function (s) {
      var colour = s.in_exact ? "#0b6e4f" : "#ef8f00";
      L.circleMarker([s.latitude, s.longitude], {radius: 9, color: colour, fillColor: colour, fillOpacity: .8})
        .bindTooltip(ccMaps.text(s.label)).addTo(smap);
      L.circle([s.latitude, s.longitude], {radius: siting.limit_m, color: colour, weight: 1, fillOpacity: .05}).addTo(smap);
      pts.push([s.latitude, s.longitude]);
    });
    if (pts.length) smap.fitBounds(pts, {padding: [60, 60], maxZoom: 15});
  }
})();
