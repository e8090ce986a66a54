/* The translation review page: while an AI job runs, show its progress, and reload when it is done
   (unless the editor has started changing a draft, then offer a link instead). Without JavaScript the
   page works the same; reload it by hand. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var root = document.querySelector(".ai-review");
    if (!root || root.getAttribute("data-active") !== "1") { return; }
    var url = root.getAttribute("data-jobs-url");
    var dirty = false;
    root.addEventListener("input", function () { dirty = true; });

    function show(jobs) {
      jobs.forEach(function (job) {
        var row = root.querySelector('tr[data-job="' + job.id + '"]');
        if (!row) { return; }
        var bar = row.querySelector("progress");
        if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
        var status = row.querySelector(".ai-job-status");
        if (status) { status.textContent = job.status_label; }
        var error = row.querySelector(".ai-job-error");
        if (error) { error.textContent = job.error; }
      });
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          show(data.jobs);
          if (data.active) { window.setTimeout(poll, 2000); return; }
          if (dirty) {
            var note = root.querySelector(".ai-jobs__reload");
            if (note) { note.hidden = false; }
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    window.setTimeout(poll, 1500);
  });
})();
