/* The media library's drop zone: drop (or choose) several files; each is sent on its own request to
   the upload view (through the media services), with a progress bar. Without JavaScript the same
   form sends them all at once. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var form = document.getElementById("media-drop");
    if (!form) { return; }
    var config = JSON.parse(document.getElementById("media-drop-config").textContent);
    var input = form.querySelector("input[type=file]");
    var list = form.querySelector(".media-drop__list");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    // With JavaScript a choice uploads at once: the file input hides behind its label (a button).
    form.classList.add("media-drop--live");
    form.querySelector("button[type=submit]").hidden = true;
    var pending = 0;
    var uploaded = 0;
    var reload = null;

    function finished() {
      pending -= 1;
      if (pending === 0 && uploaded > 0 && !reload) {
        reload = document.createElement("a");
        reload.href = window.location.pathname + window.location.search;
        reload.textContent = config.reload;
        list.insertAdjacentElement("afterend", reload);
      }
    }

    function send(file) {
      var row = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var status = document.createElement("span");
      status.textContent = config.uploading;
      row.appendChild(name);
      row.appendChild(bar);
      row.appendChild(status);
      list.appendChild(row);
      pending += 1;

      var data = new FormData();
      data.append("files", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { bar.value = Math.round((100 * event.loaded) / event.total); }
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
        if (xhr.status === 201 && answer.results && answer.results.length) {
          bar.value = 100;
          status.textContent = "";
          var link = document.createElement("a");
          link.href = answer.results[0].url;
          link.textContent = config.done;
          status.appendChild(link);
          uploaded += 1;
        } else {
          status.textContent = config.failed + (answer.detail ? " " + answer.detail : "");
          status.className = "media-drop__error";
        }
        finished();
      });
      xhr.addEventListener("error", function () {
        status.textContent = config.failed;
        status.className = "media-drop__error";
        finished();
      });
      xhr.send(data);
    }

    function sendAll(files) {
      for (var i = 0; i < files.length; i += 1) { send(files[i]); }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendAll(input.files);
      input.value = "";
    });
    input.addEventListener("change", function () {
      sendAll(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (event) {
        event.preventDefault();
        form.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      form.addEventListener(type, function () { form.classList.remove("is-over"); });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files) { sendAll(event.dataTransfer.files); }
    });
  });
})();
