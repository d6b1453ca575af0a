/* 读给我听: reads the page's main content aloud with the browser's speech synthesis; the button stays
   hidden where the browser has none. The 长辈模式 switch itself is a plain form (works without script). */
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  if (!button || !window.speechSynthesis || typeof window.SpeechSynthesisUtterance !== "function") return;
  var label = button.querySelector(".read-aloud-label");
  button.hidden = false;
  function text() {
    var main = document.getElementById("main");
    if (!main) return "";
    var copy = main.cloneNode(true);
    copy.querySelectorAll("#elder-bar, script, form, [aria-hidden=true]").forEach(function (el) { el.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function set(speaking) { label.textContent = speaking ? button.dataset.stop : button.dataset.start; button.setAttribute("aria-pressed", speaking ? "true" : "false"); }
  set(false);
  button.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); set(false); return; }
    var u = new SpeechSynthesisUtterance(text());
    u.lang = document.documentElement.lang && document.documentElement.lang.indexOf("en") === 0 ? "en-US" : "zh-CN";
    u.rate = 0.9;
    u.onend = function () { set(false); };
    window.speechSynthesis.speak(u);
    set(true);
  });
})();
