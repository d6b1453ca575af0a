/* The platform's map helper (loaded after Leaflet by {% map_scripts %}).
   ccMaps.create(el, centre, zoom) makes a Leaflet map with the basemap of <meta name="carecircle-map-tiles">:
   the tile service the deployment names, else the platform's own tiles drawn from its road network
   and region boundaries (/planning/tiles/…); none: a plain background, the shapes still show.
   ccMaps.text(s) makes a text node for tooltips and popups: Leaflet puts a string into innerHTML,
   so names from the database go in as text, never as markup.
   ccMaps.data(id) reads a JSON data block written by Django's json_script. */
(function () {
  "use strict";
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }
  window.ccMaps = {
    create: function (el, centre, zoom) {
      var map = L.map(el).setView(centre, zoom);
      var tiles = meta("carecircle-map-tiles");
      var maxZoom = parseInt(meta("carecircle-map-max-zoom"), 10) || 19;
      if (tiles) {
        map.setMaxZoom(maxZoom);
        L.tileLayer(tiles, {maxZoom: maxZoom, attribution: meta("carecircle-map-attribution")}).addTo(map);
      }
      return map;
    },
    text: function (s) {
      var span = document.createElement("span");
      span.textContent = s == null ? "" : String(s);
      return span;
    },
    data: function (id) {
      var el = document.getElementById(id);
      return el ? JSON.parse(el.textContent) : null;
    }
  };
})();
