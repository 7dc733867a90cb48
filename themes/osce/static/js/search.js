// The search page: reads the language's index files written by pressroom
// under this page (meta.json, t/*.json, d/*.json, tags.json) and shows the
// releases that have every word of the query, most relevant then newest.
//
// A query word is keyed as the index keyed the releases: the chunk whose
// name is the longest prefix of the word gives its stem when the archive
// has the word; otherwise Kazakh words are stemmed by the port of the Rust
// stemmer (js/search-core.js, window.pressroomSearch) and English and
// Russian words take the longest stem of the chunk that is a prefix of them.
// Every file fetched is kept for the page's life, so typing on costs no
// download for words already seen.
(function () {
  "use strict";

  var root = document.getElementById("search");
  var core = window.pressroomSearch;
  if (!root || !core || !window.fetch) return;

  var lang = root.dataset.lang;
  var base = root.dataset.index;
  var kazakh = lang.split(/[-_]/)[0].toLowerCase() === "kk";
  var PAGE = 10;
  var form = root.querySelector("form");
  var input = document.getElementById("search-q");
  var yearSelect = document.getElementById("search-year");
  var topicSelect = document.getElementById("search-topic");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");

  document.getElementById("search-nojs").hidden = true;
  root.hidden = false;

  var files = new Map();
  function load(path) {
    if (!files.has(path)) {
      var promise = fetch(base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      });
      // A failed download may be tried again by the next query.
      promise.catch(function () { files.delete(path); });
      files.set(path, promise);
    }
    return files.get(path);
  }

  function chunkFile(name) {
    if (!name) return "_";
    return Array.from(new TextEncoder().encode(name), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function chunkName(meta, key) {
    var best = "";
    for (var name of meta.chunks) {
      if (name.length > best.length && key.startsWith(name)) best = name;
    }
    return best;
  }

  function chunk(meta, key) {
    return load("t/" + chunkFile(chunkName(meta, key)) + ".json");
  }

  // Postings as written: the first id*32+score, then gaps*32+score.
  function decode(list) {
    var out = new Map();
    var id = 0;
    for (var value of list) {
      id += value >> 5;
      out.set(id, value & 31);
    }
    return out;
  }

  // Whether a stem found by prefix can be the word's: stemmers cut endings,
  // not most of a word, so a stem of one or two letters or under a third of
  // the word is another word that happens to begin it («z» for «zzzyqx»).
  function plausible(stem, word) {
    var s = Array.from(stem).length;
    var w = Array.from(word).length;
    return s >= Math.min(3, w) && 3 * s >= w;
  }

  // The stems a query word stands for. The last word, still being typed,
  // also stands for the stems it begins.
  async function stemsOf(meta, word, typing) {
    var own = await chunk(meta, word);
    var stems = [];
    if (own.f[word]) stems.push(own.f[word]);
    else if (own.s[word]) stems.push(word);
    else if (kazakh) stems.push(core.stemKazakh(word));
    else {
      var found = core.stemByPrefix(lang, new Set(Object.keys(own.s)), word);
      if (found && plausible(found, word)) stems.push(found);
    }
    if (typing && Array.from(word).length >= 3) {
      for (var stem of Object.keys(own.s)) {
        if (stem.startsWith(word) && stems.indexOf(stem) < 0) stems.push(stem);
        if (stems.length >= 40) break;
      }
    }
    return stems;
  }

  async function postingsOf(meta, word, typing) {
    var stems = await stemsOf(meta, word, typing);
    var merged = new Map();
    var chunks = await Promise.all(stems.map(function (s) { return chunk(meta, s); }));
    stems.forEach(function (stem, i) {
      var list = chunks[i].s[stem];
      if (!list) return;
      decode(list).forEach(function (score, id) {
        if ((merged.get(id) || 0) < score) merged.set(id, score);
      });
    });
    return { stems: stems, postings: merged };
  }

  async function search(query, year, topic) {
    var meta = await load("meta.json");
    var words = Array.from(new Set(core.tokens(lang, query)));
    if (!words.length) return null;
    var typing = !/\s$/.test(query);
    var found = await Promise.all(words.map(function (w, i) {
      return postingsOf(meta, w, typing && i === words.length - 1);
    }));
    var scores = null;
    for (var f of found) {
      if (scores === null) {
        scores = new Map(f.postings);
        continue;
      }
      var next = new Map();
      scores.forEach(function (score, id) {
        if (f.postings.has(id)) next.set(id, score + f.postings.get(id));
      });
      scores = next;
    }
    var range = null;
    if (year) {
      range = meta.years.find(function (y) { return String(y[0]) === year; }) || [0, -1, -2];
    }
    var tagged = null;
    if (topic) {
      var tags = await load("tags.json");
      tagged = new Set();
      var id = 0;
      for (var gap of tags[topic] || []) {
        id += gap;
        tagged.add(id);
      }
    }
    var ids = [];
    scores.forEach(function (score, id) {
      if (range && (id < range[1] || id > range[2])) return;
      if (tagged && !tagged.has(id)) return;
      ids.push(id);
    });
    // Most relevant, then newest: documents are numbered oldest first.
    ids.sort(function (a, b) { return scores.get(b) - scores.get(a) || b - a; });
    var stems = [];
    found.forEach(function (f) { stems.push.apply(stems, f.stems); });
    return { meta: meta, ids: ids, stems: stems };
  }

  // ---- showing results ---------------------------------------------------

  var plural = new Intl.PluralRules(lang);
  function countText(n) {
    // The numbers the page has the text for (search.html).
    var samples = [1, 2, 3, 5, 11, 21, 100];
    var sample = samples.find(function (s) { return plural.select(s) === plural.select(n); }) || 100;
    var text = root.getAttribute("data-count-" + sample);
    return text.replace(String(sample), n.toLocaleString(lang));
  }

  function matches(word, stems) {
    var key = core.normalizeWord(lang, word);
    if (!key) return false;
    var kk = kazakh ? core.stemKazakh(key) : null;
    return stems.some(function (s) { return key.startsWith(s) || s === kk; });
  }

  // Text with the words of `stems` in <mark>, as DOM nodes (never HTML).
  function marked(text, stems) {
    var out = document.createDocumentFragment();
    var last = 0;
    var re = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
    var m;
    while ((m = re.exec(text))) {
      if (!matches(m[0], stems)) continue;
      out.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      out.appendChild(mark);
      last = m.index + m[0].length;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function result(doc, stems) {
    var li = element("li", "search-result");
    var other = doc.l !== lang;
    var h = element("h2", "search-result__title");
    var a = element("a");
    a.href = doc.u;
    if (other) {
      a.lang = doc.l;
      a.hreflang = doc.l;
    }
    a.appendChild(marked(doc.t, stems));
    h.appendChild(a);
    li.appendChild(h);
    if (doc.d || doc.p) {
      var meta = element("p", "search-result__meta");
      if (doc.d) {
        var time = element("time", "", doc.dd);
        time.dateTime = doc.d;
        meta.appendChild(time);
      }
      if (doc.d && doc.p) meta.appendChild(document.createTextNode(" · "));
      if (doc.p) meta.appendChild(element("span", "", doc.p));
      li.appendChild(meta);
    }
    if (doc.s) {
      var snippet = element("p", "search-result__snippet");
      if (other) snippet.lang = doc.l;
      snippet.appendChild(marked(doc.s, stems));
      li.appendChild(snippet);
    }
    if (doc.a.length) {
      var note = element("p", "card__note");
      note.appendChild(element("span", "card__note-text", root.dataset.notTranslated));
      var shown = doc.a.find(function (v) { return v[0] === doc.l; });
      if (shown) {
        note.appendChild(document.createTextNode(" "));
        var name = element("span", "card__note-shown", shown[1]);
        name.lang = shown[0];
        note.appendChild(name);
      }
      note.appendChild(document.createTextNode(". " + root.dataset.availableIn + " "));
      doc.a.forEach(function (v, i) {
        var link = element("a", "", v[1]);
        link.href = v[2];
        link.lang = v[0];
        link.hreflang = v[0];
        note.appendChild(link);
        if (i < doc.a.length - 1) note.appendChild(document.createTextNode(", "));
      });
      li.appendChild(note);
    }
    return li;
  }

  var current = null;
  var shown = 0;

  async function showMore() {
    var state = current;
    var ids = state.ids.slice(shown, shown + PAGE);
    var size = state.meta.shard;
    var shards = await Promise.all(ids.map(function (id) {
      return load("d/" + Math.floor(id / size) + ".json");
    }));
    if (state !== current) return;
    ids.forEach(function (id, i) {
      list.appendChild(result(shards[i][id % size], state.stems));
    });
    shown += ids.length;
    more.hidden = shown >= state.ids.length;
  }

  // One search at a time; a keystroke during one asks for another when it
  // ends, so a fast typist gets the results of the last text, not a queue.
  var running = false;
  var again = false;

  async function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await update();
      } while (again);
    } finally {
      running = false;
    }
  }

  async function update() {
    var query = input.value;
    var year = yearSelect.value;
    var topic = topicSelect.value;
    remember(query, year, topic);
    var found;
    try {
      found = await search(query, year, topic);
    } catch (e) {
      status.textContent = root.dataset.failed;
      return;
    }
    if (again) return;
    list.textContent = "";
    shown = 0;
    current = found;
    if (!found) {
      status.textContent = "";
      more.hidden = true;
      return;
    }
    status.textContent = found.ids.length ? countText(found.ids.length) : root.dataset.none;
    await showMore();
    root.dataset.done = query;
  }

  function remember(query, year, topic) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (year) params.set("year", year);
    if (topic) params.set("topic", topic);
    var text = params.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  yearSelect.value = params.get("year") || "";
  topicSelect.value = params.get("topic") || "";
  input.addEventListener("input", run);
  yearSelect.addEventListener("change", run);
  topicSelect.addEventListener("change", run);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", function () {
    var next = list.children.length;
    showMore().then(function () {
      // Keyboard users land on the first new result.
      var link = list.children[next] && list.children[next].querySelector("a");
      if (link) link.focus();
    });
  });
  if (input.value) run();
})();
