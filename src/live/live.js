// Live reload for `pressroom serve`; served pages load it, built files never do.
(function () {
  "use strict";
  var OVERLAY_ID = "pressroom-errors";

  function clearOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // The errors go in as text, never as markup: they quote the editor's files.
  function showOverlay(text) {
    clearOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "pressroom: the last build failed");
    box.style.cssText =
      "position:fixed;top:0;left:0;right:0;max-height:75vh;z-index:2147483647;" +
      "overflow:auto;margin:0;padding:1.5rem;background:#1e1e1e;color:#fff;" +
      "border-bottom:4px solid #e05252;box-shadow:0 4px 16px rgba(0,0,0,.4);" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
    var title = document.createElement("p");
    title.textContent =
      "The last build failed. This is the last good page; fix the files below and save.";
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ffb4b4;";
    var pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "margin:0;white-space:pre-wrap;";
    box.appendChild(title);
    box.appendChild(pre);
    document.body.appendChild(box);
  }

  function swapStylesheets() {
    var stamp = Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("live", String(stamp));
      link.href = url.toString();
    });
  }

  var source = new EventSource("/__pressroom/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () { clearOverlay(); swapStylesheets(); });
  source.addEventListener("failed", function (event) {
    showOverlay(event.data);
  });
  source.addEventListener("ok", clearOverlay);
})();
