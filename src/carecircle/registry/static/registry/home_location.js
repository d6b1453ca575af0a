/* The home's location on the person form (registry/person_form.html): a click on the map (or the
   button "以地图中心为住址位置", for the keyboard) puts the point into the form's hidden latitude and
   longitude fields; without a point the server places the home at the community's centre. Picking a
   community (core/static/carecircle/region_picker.js: "regionpicked") moves the map to it. */
(function () {
  "use strict";
  var el = document.getElementById("home-map");
  if (!el || !window.ccMaps || !window.L) return;
  var form = el.closest("form");
  var lat = form.elements.latitude, lng = form.elements.longitude;
  var status = document.getElementById("home-location-status");
  var clear = document.getElementById("home-location-clear");
  var here = document.getElementById("home-location-here");
  var t = el.dataset;
  var centre = t.lat ? [parseFloat(t.lat), parseFloat(t.lng)] : [30.27, 120.15];
  var map = ccMaps.create(el, centre, t.lat ? 15 : 11);
  var marker = null;

  function show(latlng) {
    if (!marker) {
      marker = L.circleMarker(latlng, {radius: 9, color: "#0b6e4f", weight: 3, fillOpacity: 0.5,
        className: "home-marker"}).addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
  }

  function pick(latlng) {
    show(latlng);
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    status.textContent = t.textPicked;
    clear.hidden = false;
  }

  function unpick() {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = "";
    lng.value = "";
    status.textContent = t.textCentre;
    clear.hidden = true;
  }

  if (lat.value && lng.value) {
    pick(L.latLng(parseFloat(lat.value), parseFloat(lng.value)));  // the form came back with its point
  } else {
    status.textContent = t.textCentre;
  }
  map.on("click", function (e) { pick(e.latlng); });
  here.addEventListener("click", function () { pick(map.getCenter()); });
  clear.addEventListener("click", unpick);
  document.addEventListener("regionpicked", function (e) {
    var row = e.detail || {};
    if (row.latitude != null && row.longitude != null && !lat.value) map.setView([row.latitude, row.longitude], 16);
  });
})();
