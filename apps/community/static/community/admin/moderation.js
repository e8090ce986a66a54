// The moderation queue: a "select all" box per source.
document.addEventListener("change", function (event) {
  "use strict";
  var all = event.target;
  if (!all.classList || !all.classList.contains("moderation-all")) { return; }
  var boxes = document.querySelectorAll('input[name="item"][data-source="' + all.getAttribute("data-source") + '"]');
  for (var i = 0; i < boxes.length; i += 1) { boxes[i].checked = all.checked; }
});
