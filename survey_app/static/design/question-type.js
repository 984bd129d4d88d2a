// Progressive enhancement of the question editor: show the fields of the chosen type at once.
// Without JavaScript the "Show the fields for this type" button does the same on the server.
(function () {
  "use strict";
  var select = document.getElementById("type");
  if (!select) { return; }
  function update() {
    document.querySelectorAll("[data-types]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-types").split(" ").indexOf(select.value) < 0;
    });
  }
  document.querySelectorAll(".js-hidden").forEach(function (element) { element.hidden = true; });
  select.addEventListener("change", update);
  update();  // a type chosen before this deferred script ran is shown too
})();
