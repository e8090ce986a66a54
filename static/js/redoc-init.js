/* Starts ReDoc on the API docs page (/api/redoc/), after redoc.standalone.js.
   ReDoc injects <style> elements as it renders: they carry the page's CSP nonce, which the browser
   exposes only as the `nonce` property of this script element. */
(function () {
  "use strict";
  // ReDoc's sidebar footer shows its vendor's logo from a CDN. The docs make no request off this
  // site, so that one image gets an empty inline source instead (ReDoc drops it when it fails to load).
  var REMOTE_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, value === REMOTE_LOGO ? "data:," : value);
    },
  });

  var script = document.currentScript;
  var container = document.getElementById("redoc-container");
  var options = JSON.parse(container.dataset.settings || "{}");
  options.nonce = script.nonce;
  Redoc.init(script.dataset.specUrl, options, container);
})();
