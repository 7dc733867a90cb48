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

  // A chunk's stems, listed once per chunk rather than once per query word.
  var stemLists = new WeakMap();
  function stemsIn(own) {
    var known = stemLists.get(own);
    if (!known) {
      known = { list: Object.keys(own.s), set: null };
      known.set = new Set(known.list);
      stemLists.set(own, known);
    }
    return known;
  }

  // Postings as written: the first id*32+score, then gaps*32+score. Decoded
  // once per stem into typed arrays, and kept: a word typed again, or a
  // stem that completes several words, costs nothing the second time.
  var decoded = new Map();
  function postings(stem, list) {
    var done = decoded.get(stem);
    if (done) return done;
    var ids = new Int32Array(list.length);
    var scores = new Uint8Array(list.length);
    var id = 0;
    for (var i = 0; i < list.length; i++) {
      var value = list[i];
      id += value >> 5;
      ids[i] = id;
      scores[i] = value & 31;
    }
    done = { ids: ids, scores: scores };
    decoded.set(stem, done);
    return done;
  }

  // Whether a stem found by prefix can be the word's: stemmers cut endings,
  // not most of a word, so a stem of one or two letters or under a third of
  // the word is another word that happens to begin it («z» for «zzzyqx»).
  function plausible(stem, word) {
    var s = Array.from(stem).length;
    var w = Array.from(word).length;
    return s >= Math.min(3, w) && 3 * s >= w;
  }

  var kazakhStems = new Map();
  function stemKazakh(word) {
    var stem = kazakhStems.get(word);
    if (stem === undefined) {
      stem = core.stemKazakh(word);
      kazakhStems.set(word, stem);
    }
    return stem;
  }

  // The chunk of a word. A Kazakh word's stem, which the chunk is read for
  // when the archive lacks the form, is known without it, so its chunk (when
  // another) is asked for at once rather than after this one.
  function wordChunk(meta, word) {
    if (kazakh) chunk(meta, stemKazakh(word)).catch(function () {});
    return chunk(meta, word);
  }

  // The stems a query word stands for. The last word, still being typed,
  // also stands for the stems it begins.
  async function stemsOf(meta, word, typing) {
    var own = await wordChunk(meta, word);
    var stems = [];
    if (own.f[word]) stems.push(own.f[word]);
    else if (own.s[word]) stems.push(word);
    else if (kazakh) stems.push(stemKazakh(word));
    else {
      var found = core.stemByPrefix(lang, stemsIn(own).set, word);
      if (found && plausible(found, word)) stems.push(found);
    }
    if (typing && Array.from(word).length >= 3) {
      for (var stem of stemsIn(own).list) {
        if (stem.startsWith(word) && stems.indexOf(stem) < 0) stems.push(stem);
        if (stems.length >= 40) break;
      }
    }
    return stems;
  }

  // The decoded postings of each stem of a word (those the index has).
  async function postingsOf(meta, word, typing) {
    var stems = await stemsOf(meta, word, typing);
    var chunks = await Promise.all(stems.map(function (s) { return chunk(meta, s); }));
    var lists = [];
    stems.forEach(function (stem, i) {
      var list = chunks[i].s[stem];
      if (list) lists.push(postings(stem, list));
    });
    return { stems: stems, lists: lists };
  }

  async function search(query, year, topic) {
    var words = Array.from(new Set(core.tokens(lang, query)));
    if (!words.length) return null;
    var meta = await load("meta.json");
    var typing = !/\s$/.test(query);
    var tags = topic ? load("tags.json") : null;
    var found = await Promise.all(words.map(function (w, i) {
      return postingsOf(meta, w, typing && i === words.length - 1);
    }));
    // Scores by document number in flat arrays: a word's score in a
    // document is the best of its stems', a document's the sum over the
    // words, and it is a result when every word is in it.
    var n = meta.docs;
    var total = new Int32Array(n);
    var hits = new Int32Array(n);
    var best = new Uint8Array(n);
    var top = 0;
    for (var f of found) {
      best.fill(0);
      for (var list of f.lists) {
        var ids = list.ids;
        var scores = list.scores;
        for (var i = 0; i < ids.length; i++) {
          var id = ids[i];
          if (id < n && scores[i] > best[id]) best[id] = scores[i];
        }
      }
      for (var d = 0; d < n; d++) {
        if (best[d]) {
          total[d] += best[d];
          hits[d]++;
        }
      }
    }
    var from = 0;
    var to = n - 1;
    if (year) {
      var range = meta.years.find(function (y) { return String(y[0]) === year; });
      from = range ? range[1] : 1;
      to = range ? range[2] : 0;
    }
    var tagged = null;
    if (tags) {
      tagged = new Uint8Array(n);
      var tag = 0;
      for (var gap of (await tags)[topic] || []) {
        tag += gap;
        if (tag < n) tagged[tag] = 1;
      }
    }
    // Most relevant, then newest: documents are numbered oldest first, so a
    // counting sort by score over the numbers taken newest first gives the
    // order without comparing.
    var count = 0;
    for (var k = from; k <= to; k++) {
      if (hits[k] !== found.length || (tagged && !tagged[k])) {
        total[k] = 0;
        continue;
      }
      count++;
      if (total[k] > top) top = total[k];
    }
    var starts = new Int32Array(top + 2);
    for (var a = from; a <= to; a++) if (total[a]) starts[top - total[a] + 1]++;
    for (var b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
    var ordered = new Int32Array(count);
    for (var c = to; c >= from; c--) {
      if (total[c]) ordered[starts[top - total[c]]++] = c;
    }
    var stems = [];
    found.forEach(function (f) { stems.push.apply(stems, f.stems); });
    return { meta: meta, ids: ordered, stems: stems };
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

  // A shown word's normalised form and, in Kazakh, its stem: the same
  // words come back in result after result, and the stemmer is the
  // costliest step of showing a page, so each is worked out once.
  var shownWords = new Map();
  function matches(word, stems) {
    var keys = shownWords.get(word);
    if (!keys) {
      var key = core.normalizeWord(lang, word);
      keys = [key, key && kazakh ? stemKazakh(key) : null];
      shownWords.set(word, keys);
    }
    var key = keys[0];
    var kk = keys[1];
    if (!key) return false;
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

  // The page of results from `start`, as a fragment to add in one go.
  async function page(state, start) {
    var ids = Array.from(state.ids.subarray(start, start + PAGE));
    var size = state.meta.shard;
    var shards = await Promise.all(ids.map(function (id) {
      return load("d/" + Math.floor(id / size) + ".json");
    }));
    var items = document.createDocumentFragment();
    ids.forEach(function (id, i) {
      items.appendChild(result(shards[i][id % size], state.stems));
    });
    return items;
  }

  async function showMore() {
    var state = current;
    var items = await page(state, shown);
    if (state !== current) return;
    shown += items.childNodes.length;
    list.appendChild(items);
    more.hidden = shown >= state.ids.length;
  }

  // The chunks of the words typed so far, asked for at the keystroke: a
  // search still running for the previous text would otherwise delay them
  // until it ends. A failure shows when the search itself loads the file.
  function prefetch(query) {
    load("meta.json").then(function (meta) {
      core.tokens(lang, query).forEach(function (word) {
        wordChunk(meta, word).catch(function () {});
      });
    }, function () {});
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
    var found;
    var items = null;
    try {
      found = await search(query, year, topic);
      if (again) return;
      if (found) items = await page(found, 0);
    } catch (e) {
      status.textContent = root.dataset.failed;
      remember(query, year, topic);
      return;
    }
    if (again) return;
    // The count, the list and the button change together, in one task.
    current = found;
    if (!found) {
      list.textContent = "";
      status.textContent = "";
      more.hidden = true;
    } else {
      shown = items.childNodes.length;
      list.replaceChildren(items);
      status.textContent = found.ids.length ? countText(found.ids.length) : root.dataset.none;
      more.hidden = shown >= found.ids.length;
    }
    root.dataset.done = query;
    // The address follows the results; it is not part of showing them.
    remember(query, year, topic);
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
  input.addEventListener("input", function () {
    prefetch(input.value);
    run();
  });
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
