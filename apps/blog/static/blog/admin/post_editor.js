/* The post editor: one language switch for every field, the cover and "insert image" pickers fed by
   the media library, an unsaved-changes warning, and a periodic autosave of the text into an
   "autosaved" revision (blog services; the post itself changes only when the editor saves).
   Configuration comes from a JSON element (no inline script: the admin's CSP allows none). */
(function () {
  "use strict";

  var AUTOSAVE_SECONDS = 60;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  /* --- The media library picker (a <dialog>), shared by the cover and "insert image" ---------- */
  function Picker(config) {
    var dialog = el("dialog", { "class": "ink-picker", "aria-labelledby": "ink-picker-title" });
    var head = el("div", { "class": "ink-picker__head" });
    head.appendChild(el("h2", { id: "ink-picker-title" }, config.strings.pick));
    var search = el("input", { type: "search", "aria-label": config.strings.search, placeholder: config.strings.search });
    var close = el("button", { type: "button", "class": "button" }, config.strings.close);
    head.appendChild(search);
    head.appendChild(close);
    var grid = el("ul", { "class": "ink-picker__grid", "aria-live": "polite" });
    dialog.appendChild(head);
    dialog.appendChild(grid);
    document.body.appendChild(dialog);
    var onChoose = null;
    var timer = null;

    function load() {
      var url = config.picker_url + "?q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          grid.textContent = "";
          if (!answer.results.length) { grid.appendChild(el("li", { "class": "ink-picker__empty" }, config.strings.empty)); }
          answer.results.forEach(function (item) {
            var li = el("li");
            var button = el("button", { type: "button", "class": "ink-picker__item", title: item.title });
            if (item.thumbnail) {
              button.appendChild(el("img", { src: item.thumbnail, alt: "", width: "150", height: "100", loading: "lazy" }));
            }
            button.appendChild(el("span", {}, item.title));
            button.addEventListener("click", function () {
              dialog.close();
              if (onChoose) { onChoose(item); }
            });
            li.appendChild(button);
            grid.appendChild(li);
          });
        })
        .catch(function () { grid.textContent = config.strings.error; });
    }

    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
    close.addEventListener("click", function () { dialog.close(); });
    this.open = function (callback) {
      onChoose = callback;
      load();
      dialog.showModal();
      search.focus();
    };
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || start;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "";
    textarea.value = before + lead + text + trail + after;
    var caret = (before + lead + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  ready(function () {
    var configNode = document.getElementById("blog-post-editor-config");
    var form = document.getElementById("post_form");
    if (!configNode || !form) { return; }
    var config = JSON.parse(configNode.textContent);
    var picker = new Picker(config);
    form.classList.add("ink-editor");

    /* The toolbar: language switch + autosave status, kept in view at the top. */
    var bar = el("div", { "class": "ink-editor-bar", role: "toolbar", "aria-label": config.strings.toolbar });
    var switcher = el("div", { "class": "ink-editor-bar__languages", role: "group", "aria-label": config.strings.language });
    switcher.appendChild(el("span", { "class": "ink-editor-bar__label" }, config.strings.language));
    var status = el("span", { "class": "ink-editor-bar__status", role: "status" });
    bar.appendChild(switcher);
    bar.appendChild(status);
    var firstFieldset = form.querySelector("fieldset");
    if (firstFieldset) { firstFieldset.parentNode.insertBefore(bar, firstFieldset); }

    var buttons = [];
    function showLanguage(code) {
      var select = document.getElementById("modeltranslation-main-switch");
      if (select) {
        for (var i = 0; i < select.options.length; i += 1) {
          if (select.options[i].textContent === code) {
            select.value = select.options[i].value;
            select.dispatchEvent(new Event("change", { bubbles: true }));
          }
        }
      }
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", button.getAttribute("data-language") === code ? "true" : "false");
      });
    }
    config.languages.forEach(function (language) {
      var button = el("button", { type: "button", "class": "ink-editor-bar__language", "data-language": language[0], lang: language[0], "aria-pressed": "false" }, language[1]);
      button.addEventListener("click", function () { showLanguage(language[0]); });
      buttons.push(button);
      switcher.appendChild(button);
    });
    // modeltranslation builds its tabs on jQuery's ready: start on the admin's language once they exist.
    window.addEventListener("load", function () {
      var select = document.getElementById("modeltranslation-main-switch");
      if (select) { select.classList.add("ink-hidden"); }
      var current = config.languages.filter(function (l) { return l[0] === document.documentElement.lang; })[0];
      showLanguage((current || config.languages[0])[0]);
    });

    /* With JavaScript, the live preview under each body replaces the saved bodies' fieldset. */
    form.querySelectorAll("fieldset.blog-saved-preview").forEach(function (fieldset) { fieldset.hidden = true; });

    /* Insert an image from the media library into the Markdown, at the cursor of the body shown
       (the one last edited when both are on screen). */
    var bodies = Array.prototype.slice.call(form.querySelectorAll("textarea[id^='id_body_']"));
    var lastBody = null;
    bodies.forEach(function (textarea) {
      textarea.addEventListener("focus", function () { lastBody = textarea; });
    });
    if (bodies.length) {
      var insert = el("button", { type: "button", "class": "button ink-editor-bar__insert" }, config.strings.insert_image);
      insert.addEventListener("click", function () {
        var shown = bodies.filter(function (t) { return t.offsetParent !== null; });
        var textarea = lastBody && shown.indexOf(lastBody) >= 0 ? lastBody : shown[0] || bodies[0];
        var start = textarea.selectionStart, end = textarea.selectionEnd;
        picker.open(function (item) {
          textarea.setSelectionRange(start, end);
          var alt = (item.alt || item.title || "").replace(/[\[\]]/g, "");
          insertAtCursor(textarea, "![" + alt + "](" + item.url + ")");
        });
      });
      bar.insertBefore(insert, status);
    }

    /* The cover: pick from the library's thumbnails (the select stays, for keyboards and no-JS). */
    document.querySelectorAll(".ink-cover").forEach(function (box) {
      var select = box.querySelector("select");
      var preview = box.querySelector(".ink-cover__preview");
      var choose = el("button", { type: "button", "class": "button" }, config.strings.choose_cover);
      var remove = el("button", { type: "button", "class": "button" }, config.strings.remove_cover);
      function show(src) {
        preview.textContent = "";
        if (src) {
          preview.appendChild(el("img", { src: src, alt: "", width: "160", "class": "ink-cover__thumb" }));
        } else {
          preview.appendChild(el("span", { "class": "ink-cover__none" }, config.strings.no_cover));
        }
      }
      choose.addEventListener("click", function () {
        picker.open(function (item) {
          if (!select.querySelector("option[value='" + item.id + "']")) {
            select.appendChild(el("option", { value: String(item.id) }, item.title));
          }
          select.value = String(item.id);
          select.dispatchEvent(new Event("change", { bubbles: true }));
          show(item.thumbnail);
        });
      });
      remove.addEventListener("click", function () {
        select.value = "";
        select.dispatchEvent(new Event("change", { bubbles: true }));
        show("");
      });
      select.addEventListener("change", function () { if (!select.value) { show(""); } });
      box.querySelector(".ink-cover__controls").appendChild(choose);
      box.querySelector(".ink-cover__controls").appendChild(remove);
    });

    /* Unsaved changes: warn before leaving; autosave the text every minute while it differs. */
    var dirty = false;
    var changedSinceAutosave = false;
    function markDirty(event) {
      if (event && event.target && event.target.closest && event.target.closest(".ink-picker, .ink-editor-bar")) { return; }
      dirty = true;
      changedSinceAutosave = true;
    }
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return; }
      event.preventDefault();
      event.returnValue = config.strings.unsaved;
      return config.strings.unsaved;
    });

    if (config.autosave_url) {
      var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
      setInterval(function () {
        if (!changedSinceAutosave) { return; }
        changedSinceAutosave = false;
        var data = new FormData();
        config.autosave_fields.forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (field && typeof field.value === "string") { data.append(name, field.value); }
        });
        fetch(config.autosave_url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" }
        }).then(function (response) {
          return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
        }).then(function (result) {
          status.textContent = result.answer.detail || "";
          if (!result.ok) { changedSinceAutosave = true; }
        }).catch(function () {
          status.textContent = config.strings.autosave_failed;
          changedSinceAutosave = true;
        });
      }, AUTOSAVE_SECONDS * 1000);
    }
  });
})();
