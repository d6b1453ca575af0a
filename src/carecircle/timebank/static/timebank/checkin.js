// The volunteer's check-in and check-out forms take the phone's position: fill the hidden fields,
// then send (the service refuses a check without a position, naming the field).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.tb-evv")) {
    const status = form.querySelector(".tb-status");
    form.addEventListener("submit", (event) => {
      if (form.dataset.located === "1" || !navigator.geolocation) return;
      event.preventDefault();
      if (status) status.textContent = status.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          form.elements.latitude.value = pos.coords.latitude.toFixed(6);
          form.elements.longitude.value = pos.coords.longitude.toFixed(6);
          form.dataset.located = "1";
          form.requestSubmit();
        },
        () => {
          if (status) status.textContent = status.dataset.failed;
          form.dataset.located = "1";
          form.requestSubmit();
        },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });
  }
});
