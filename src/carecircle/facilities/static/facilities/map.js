/* The public facility map: markers and a table from the public GeoJSON endpoint. Texts come from
   #map's data attributes; every value from the data is escaped before it goes into markup. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !window.ccMaps) return;
  var t = box.dataset;
  var params = new URLSearchParams(window.location.search);
  var url = t.geojson + "?" + new URLSearchParams({kind: params.get("kind") || "", region: params.get("region") || ""});
  // The basemap: the deployment's tile service if it names one, else the platform's own tiles (drawn
  // from its road network and region boundaries, public like this page); the markers show either way.
  var map = ccMaps.create(box, [30.27, 120.15], 11);
  var colours = {elder: "#0b6e4f", child: "#c2410c"};
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  function free(p) {
    var parts = [];
    if (p.beds) parts.push(t.textBeds + " " + p.beds + "，" + t.textFree + " " + p.beds_free);
    if (p.childcare_places) parts.push(t.textPlaces + " " + p.childcare_places + "（" + t.textPuhui + " " +
      p.childcare_places_puhui + "），" + t.textFree + " " + p.childcare_places_free);
    return parts.join("；") || "—";
  }
  fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var closed = f.properties.status !== "filed";
        return L.circleMarker(latlng, {radius: 7, weight: 2, color: "#fff", fillOpacity: closed ? 0.4 : 0.9,
          fillColor: colours[f.properties.group], className: "facility-marker"});
      },
      onEachFeature: function (f, m) {
        var p = f.properties;
        m.bindPopup('<div class="popup"><h3>' + esc(p.name) + '</h3><p>' + esc(p.kind_label) +
          (p.grade ? ' · <b>' + esc(p.grade) + '</b>' : '') + (p.credit ? ' · ' + esc(p.credit) : '') + (p.status !== "filed" ? ' · ' + esc(p.status_label) : '') +
          '</p>' + (p.suspended ? '<p class="suspended"><b>' + esc(p.suspended) + '</b></p>' : '') + '<p>' + esc(p.address) + '</p><p>' + esc(t.textHours) + '：' + esc(p.opening_hours || "—") +
          '</p><p>' + esc(free(p)) + '</p>' + (p.phone ? '<p>☎ ' + esc(p.phone) + '</p>' : '') + '</div>');
      }
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds(), {padding: [20, 20]});
    document.getElementById("count").textContent = t.textTotal + " " + data.features.length + " " + t.textFacilities;
    var body = document.querySelector("#facility-table tbody");
    data.features.slice(0, 300).forEach(function (f) {
      var p = f.properties, tr = document.createElement("tr");
      tr.innerHTML = "<td>" + esc(p.name) + "</td><td>" + esc(p.kind_label) + "</td><td>" + esc(p.address) + "</td><td>" +
        esc(p.opening_hours) + "</td><td>" + esc(p.grade || "—") + "</td><td>" + esc(free(p)) + "</td>";
      body.appendChild(tr);
    });
  });
})();
