// Comments: answer a comment in place (the form moves under it) and count characters as you type.
// Without JavaScript, "Reply" opens a page with the form; everything still works.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) { return; }
  var home = form.parentNode, next = form.nextSibling, action = form.getAttribute("action");
  var banner = form.querySelector(".comment-replying");
  var bannerText = form.querySelector(".comment-replying-text");
  var textarea = form.querySelector("textarea");
  var counter = form.querySelector(".comment-count");
  var submit = form.querySelector("button[type=submit]");
  var submitLabel = submit ? submit.textContent : "";
  var replyLabel = banner.getAttribute("data-label") + " ";

  function cancel() {
    home.insertBefore(form, next);
    form.setAttribute("action", action);
    banner.hidden = true;
    if (submit) { submit.textContent = submitLabel; }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.comment-reply") : null;
    if (!link) { return; }
    event.preventDefault();
    var comment = link.closest("article");
    comment.parentNode.insertBefore(form, comment.nextSibling);
    form.setAttribute("action", link.getAttribute("href"));
    bannerText.textContent = replyLabel + (link.getAttribute("data-author") || "");
    banner.hidden = false;
    if (submit) { submit.textContent = submit.getAttribute("data-reply-label"); }
    if (textarea) { textarea.focus(); }
  });
  var cancelButton = form.querySelector(".comment-cancel");
  if (cancelButton) { cancelButton.addEventListener("click", cancel); }

  if (textarea && counter) {
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    var update = function () {
      counter.hidden = false;
      counter.textContent = textarea.value.length + " / " + limit;
    };
    textarea.addEventListener("input", update);
  }
})();
