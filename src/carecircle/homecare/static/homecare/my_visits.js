/* The caregiver's phone page: the device's position goes into the check-in and check-out forms;
   a form without a position is not sent; one tap, one submission. Texts from #gps's data attributes. */
(function () {
  "use strict";
  var status = document.getElementById("gps");
  if (!status) return;
  var t = status.dataset;
  var forms = document.querySelectorAll("form.evv");
  function fill(pos) {
    forms.forEach(function (f) {
      f.latitude.value = pos.coords.latitude; f.longitude.value = pos.coords.longitude;
      f.accuracy_m.value = Math.round(pos.coords.accuracy || 0);
    });
    status.textContent = t.textLocated + " " + Math.round(pos.coords.accuracy || 0) + " " + t.textMetres;
  }
  forms.forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!f.latitude.value) { e.preventDefault(); status.textContent = t.textNotYet; return; }
      f.querySelector("button").disabled = true;  // one tap, one submission (the key makes a retry harmless)
    });
  });
  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(fill, function () { status.textContent = t.textFailed; },
      {enableHighAccuracy: true, maximumAge: 30000, timeout: 20000});
  } else { status.textContent = t.textUnsupported; }
})();
