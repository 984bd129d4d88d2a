/* Read the question aloud with the browser's own speech synthesis.
   Progressive enhancement: without JavaScript or speech support the button
   stays hidden and the survey works the same. No data leaves the page. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) { return; }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("button.read-aloud");
    var area = document.querySelector("[data-read-aloud]");
    if (!button || !area) { return; }
    var speaking = false;
    function stop() {
      window.speechSynthesis.cancel();
      speaking = false;
      button.textContent = button.getAttribute("data-start");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (speaking) { stop(); return; }
      var parts = [];
      area.querySelectorAll(".caption, .question, .hint, .error-message, label").forEach(function (el) {
        parts.push(el.textContent.trim());
      });
      var utterance = new window.SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = document.documentElement.lang || "fr";
      utterance.onend = stop;
      speaking = true;
      button.textContent = button.getAttribute("data-stop");
      window.speechSynthesis.speak(utterance);
    });
    window.addEventListener("pagehide", stop);
  });
}());
