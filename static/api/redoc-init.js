// Starts ReDoc (/api/redoc/) from the page's data attributes, after redoc.standalone.js.
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

  var container = document.getElementById("redoc-container");
  window.Redoc.init(container.dataset.schemaUrl, JSON.parse(container.dataset.settings), container);
})();
