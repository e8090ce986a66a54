/* Live Markdown preview for the post admin: posts each body field to the admin's preview view
   (which renders and sanitizes exactly like a save) and shows the HTML under the field.
   Without JavaScript, the "Preview" fieldset shows the rendered bodies after a save. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var configNode = document.getElementById("blog-markdown-preview-config");
    if (!configNode) { return; }
    var config = JSON.parse(configNode.textContent);
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    var fields = document.querySelectorAll("textarea[id^='id_body_']");

    fields.forEach(function (textarea) {
      var language = textarea.id.replace("id_body_", "").replace("_", "-");
      var panel = document.createElement("section");
      panel.className = "blog-live-preview";
      panel.setAttribute("aria-live", "polite");
      panel.setAttribute("lang", language);
      var heading = document.createElement("h4");
      heading.textContent = config.label + " (" + ((config.names && config.names[language]) || language) + ")";
      var body = document.createElement("div");
      body.className = "blog-preview__body";
      panel.appendChild(heading);
      panel.appendChild(body);
      textarea.insertAdjacentElement("afterend", panel);

      var timer = null;
      var sequence = 0;
      function render() {
        var mine = ++sequence;
        var data = new FormData();
        data.append("body", textarea.value);
        data.append("language", language);
        fetch(config.url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf ? csrf.value : "" }
        }).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        }).then(function (result) {
          if (mine === sequence) { body.innerHTML = result.html; }  // sanitized server-side by nh3
        }).catch(function () {
          if (mine === sequence) { body.textContent = config.error; }
        });
      }
      textarea.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(render, 300);
      });
      render();
    });
  });
})();
