/* The dashboard's drill-down map: each child region's shape filled with the colour class of the
   chosen indicator's value (classes, colours and shapes come from the server in the
   "choropleth-data" JSON block). A region's name and value show on hover and on keyboard focus
   (each shape is focusable); the same figures stand in the table beside the map. Choosing another
   indicator submits the form (the page draws that indicator). Names reach Leaflet as text nodes. */
(function () {
  "use strict";
  var el = document.getElementById("choropleth");
  if (!el || !window.ccMaps || !window.L) return;
  var data = ccMaps.data("choropleth-data");
  if (!data) return;

  var select = document.getElementById("map-indicator");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }

  var unit = data.indicator.unit || "";
  function label(r) {
    var value = r.value === null ? "—" : (Math.round(r.value * 100) / 100) + unit;
    return r.name + "：" + value + "（" + r.status_label + "）";
  }

  var map = ccMaps.create(el, data.centre, 12);
  var bounds = null;
  data.regions.forEach(function (r) {
    if (!r.geometry) return;
    var layer = L.geoJSON(r.geometry, {
      style: {
        color: "#333", weight: r.approximate ? 1.5 : 2, dashArray: r.approximate ? "5 4" : null,
        fillColor: r.colour, fillOpacity: 0.8, className: "choro-region"
      }
    });
    layer.bindTooltip(ccMaps.text(label(r)), {sticky: true});
    layer.addTo(map);
    layer.eachLayer(function (shape) {
      var path = shape.getElement && shape.getElement();
      if (!path) return;
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "img");
      path.setAttribute("aria-label", label(r));
      path.setAttribute("data-code", r.code);
      path.addEventListener("focus", function () { layer.openTooltip(shape.getBounds().getCenter()); });
      path.addEventListener("blur", function () { layer.closeTooltip(); });
    });
    var b = layer.getBounds();
    if (b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
  });
  if (bounds) map.fitBounds(bounds, {padding: [16, 16]});
})();
