// The reader's language (issue 19). Three small jobs, each tied to markup:
// - a language picked on a switcher or the root chooser is remembered;
// - the root chooser (`.chooser[data-forward]`) sends the reader on to the
//   language remembered, or else to the first language of the browser's
//   `navigator.languages` that the site has; with neither, it stays a chooser;
// - `/404.html`, which static hosts show for any unknown address, shows only
//   the message in the language of the address's first path segment.
// Without JavaScript the chooser and every language's 404 message stay as
// they are, usable.
(function () {
  "use strict";
  var KEY = "pressroom-language";

  function remembered() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage disabled: nothing was remembered
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".lang-switch a[hreflang], .chooser a[hreflang]");
    if (!link) return;
    try {
      window.localStorage.setItem(KEY, link.getAttribute("hreflang"));
    } catch (e) {
      // storage disabled: the choice simply is not remembered
    }
  });

  // The site language for a reader's language tag: the same tag, or the tag
  // with subtags dropped from the end (`kk-KZ` → `kk`), or a site language
  // with the same primary subtag (`uz` → `uz-Latn`).
  function match(codes, wanted) {
    var tag = String(wanted || "").toLowerCase();
    for (var t = tag; t; t = t.lastIndexOf("-") > 0 ? t.slice(0, t.lastIndexOf("-")) : "") {
      for (var i = 0; i < codes.length; i++) if (codes[i].toLowerCase() === t) return codes[i];
    }
    var primary = tag.split("-")[0];
    for (var j = 0; j < codes.length; j++) if (primary && codes[j].toLowerCase().split("-")[0] === primary) return codes[j];
    return null;
  }

  var chooser = document.querySelector(".chooser[data-forward]");
  if (chooser) {
    var links = chooser.querySelectorAll("a[hreflang]");
    var codes = [];
    var homes = {};
    for (var i = 0; i < links.length; i++) {
      codes.push(links[i].getAttribute("hreflang"));
      homes[links[i].getAttribute("hreflang")] = links[i].href;
    }
    var wanted = [remembered()].concat(navigator.languages || [navigator.language]);
    for (var w = 0; w < wanted.length; w++) {
      var code = wanted[w] && match(codes, wanted[w]);
      if (code) {
        window.location.replace(homes[code]);
        return;
      }
    }
  }

  var messages = document.querySelectorAll(".not-found[data-language]");
  var main = document.querySelector("[data-root]");
  if (messages.length > 1 && main) {
    var root = main.getAttribute("data-root");
    var path = window.location.pathname;
    var rest = path.indexOf(root) === 0 ? path.slice(root.length) : path;
    var segment = decodeURIComponent(rest.split("/")[0] || "");
    var all = [];
    for (var m = 0; m < messages.length; m++) all.push(messages[m].getAttribute("data-language"));
    var code = match(all, segment);
    // Only a segment that is a site language picks one: /releases/x keeps all.
    if (!code || code.toLowerCase() !== segment.toLowerCase()) return;
    var shown = all.indexOf(code);
    for (var k = 0; k < messages.length; k++) messages[k].hidden = k !== shown;
    var html = document.documentElement;
    html.lang = all[shown];
    var dir = messages[shown].getAttribute("dir");
    if (dir) html.dir = dir;
    var heading = messages[shown].querySelector("h1");
    if (heading) document.title = heading.textContent;
  }
})();
