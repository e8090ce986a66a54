/* Starts ReDoc on the API docs page. ReDoc injects <style> elements as it renders: they carry the
   page's CSP nonce, which the browser exposes only as the `nonce` property of this script element. */
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(script.dataset.specUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
