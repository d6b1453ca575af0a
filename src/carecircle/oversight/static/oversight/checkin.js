// The check-in form takes the phone's position: fill the hidden fields, then send.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("check-in");
  if (!form) return;
  const status = document.getElementById("check-in-status");
  form.addEventListener("submit", (event) => {
    if (form.dataset.located === "1" || !navigator.geolocation) return;
    event.preventDefault();
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.dataset.located = "1";
        form.requestSubmit();
      },
      () => {
        status.textContent = status.dataset.failed;
        form.dataset.located = "1";
        form.requestSubmit();
      },
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
});
