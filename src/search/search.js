// pressroom search: the browser's half of the language analysis.
//
// A port of src/search/normalize.rs, src/search/kazakh.rs and
// stem_by_prefix in src/search/mod.rs, step for step, so that a query is
// keyed exactly as the index keyed the releases. The letter and suffix
// tables are not copied here: pressroom fills them in from the Rust
// modules when it writes this file (search_js() in src/search/mod.rs), and
// a test runs this file with node over the Kazakh word table and the
// example archive and compares every result with the Rust code.
//
// Usable as a browser script (window.pressroomSearch) and as a CommonJS
// module (node).
(function (root) {
  "use strict";

  var TABLES = /* TABLES */ null;

  // ---- normalisation (normalize.rs) ------------------------------------

  var LOOKALIKES = new Map(TABLES.normalize.lookalikes);
  var SUBSTITUTES = new Map(TABLES.normalize.substitutes);
  var INVISIBLE = /[\u00ad\u200b\u200c\u200d\u2060\ufeff]/gu;
  var ALPHABETIC = /^\p{Alphabetic}$/u;

  function isCyrillic(c) {
    var code = c.codePointAt(0);
    return code >= 0x400 && code <= 0x52f;
  }

  function isLatin(c) {
    var code = c.codePointAt(0);
    if (/^[A-Za-z]$/.test(c)) return true;
    var inBlocks =
      (code >= 0xc0 && code <= 0x24f) ||
      (code >= 0x250 && code <= 0x2af) ||
      (code >= 0x1e00 && code <= 0x1eff);
    return inBlocks && ALPHABETIC.test(c);
  }

  // Step 3: Latin look-alikes to Cyrillic, only in a word that has a
  // Cyrillic letter and no Latin letter without a twin.
  function foldLookalikes(word) {
    var chars = Array.from(word);
    if (!chars.some(isCyrillic) || !chars.some(isLatin)) return word;
    if (chars.some(function (c) { return isLatin(c) && !LOOKALIKES.has(c); })) return word;
    return chars.map(function (c) { return LOOKALIKES.get(c) || c; }).join("");
  }

  function lowerCase(lang, text) {
    try {
      return text.toLocaleLowerCase(lang);
    } catch (e) {
      // A malformed language code lowers with the root rules, as in Rust.
      return text.toLowerCase();
    }
  }

  // One word in its canonical spelling: steps 1-5 of normalize.rs.
  function normalizeWord(lang, word) {
    var cleaned = word.normalize("NFC").replace(INVISIBLE, "").replace(/[\u2019\u02bc]/gu, "'");
    var lower = lowerCase(lang, foldLookalikes(cleaned));
    var out = "";
    var previous = null;
    for (var c of lower) {
      if (c === "\u0307" && (previous === "i" || previous === "\u0456")) continue;
      if (c === "ё") c = "е";
      out += c;
      previous = c;
    }
    return out.normalize("NFC");
  }

  // Letters, marks and digits, with the punctuation that UAX #29 keeps
  // inside a word between two of them (apostrophes, a full stop, and a comma
  // or a colon between digits): for browsers without Intl.Segmenter (Firefox
  // before 125). The same words as the segmenter on the example archive
  // and the test texts; the test checks it.
  // Invisible format characters (a soft hyphen) stay inside a word.
  var WORD = /[\p{L}\p{M}\p{N}_][\p{L}\p{M}\p{N}_\p{Cf}]*(?:(?:['\u2019.]|(?<=\p{N})[,;](?=\p{N}))[\p{L}\p{M}\p{N}_][\p{L}\p{M}\p{N}_\p{Cf}]*)*/gu;

  // A segmenter per language, made once: making one costs more than
  // cutting a query with it.
  var segmenters = new Map();

  function segments(lang, text) {
    if (typeof Intl === "object" && typeof Intl.Segmenter === "function") {
      var out = [];
      var segmenter = segmenters.get(lang);
      if (!segmenter) {
        segmenter = new Intl.Segmenter(lang, { granularity: "word" });
        segmenters.set(lang, segmenter);
      }
      for (var part of segmenter.segment(text)) {
        if (part.isWordLike) out.push(part.segment);
      }
      return out;
    }
    return text.match(WORD) || [];
  }

  // The words of a text, cut at Unicode word boundaries and normalised.
  function tokens(lang, text) {
    var out = [];
    for (var segment of segments(lang, text.normalize("NFC"))) {
      var word = normalizeWord(lang, segment);
      if (word) out.push(word);
    }
    return out;
  }

  function kazakhSubstitute(c) {
    return SUBSTITUTES.get(c) || c;
  }

  function russianKeyboardKey(word) {
    return Array.from(word).map(kazakhSubstitute).join("");
  }

  function hasKazakhLetters(word) {
    return Array.from(word).some(function (c) {
      return Array.from(c.toLowerCase()).some(function (l) { return kazakhSubstitute(l) !== l; });
    });
  }

  // ---- the Kazakh stemmer (kazakh.rs) ----------------------------------

  var KK = TABLES.kazakh;

  function View(loose) {
    this.loose = loose;
  }
  View.prototype.ch = function (c) {
    return this.loose ? kazakhSubstitute(c) : c;
  };
  View.prototype.key = function (text) {
    var self = this;
    return Array.from(text).map(function (c) { return self.ch(c); }).join("");
  };
  View.prototype.same = function (word, listed) {
    return this.key(word) === this.key(listed);
  };
  View.prototype.inClass = function (c, cls) {
    if (this.loose && c === "и" && cls === KK.glide) return false;
    var self = this;
    return Array.from(cls).some(function (k) { return self.ch(k) === c; });
  };

  function isVowelLike(c, view) {
    return view.inClass(c, KK.vowel) || view.inClass(c, "иу");
  }

  function hasVowel(stem, view) {
    return stem.some(function (c) { return isVowelLike(c, view); });
  }

  function vowelCount(stem, view) {
    return stem.filter(function (c) { return view.inClass(c, KK.vowel) || c === "и"; }).length;
  }

  // true for back, false for front, null if none or a neutral vowel last.
  function harmony(chars) {
    for (var i = chars.length - 1; i >= 0; i--) {
      var c = chars[i];
      if (KK.back.indexOf(c) >= 0) return true;
      if (KK.front.indexOf(c) >= 0) return false;
      if (KK.neutral.indexOf(c) >= 0) return null;
    }
    return null;
  }

  var NO_HARMONY = ["мен", "бен", "пен", "менен", "бенен", "пенен"];

  function harmonizes(rest, suffix) {
    if (NO_HARMONY.indexOf(suffix) >= 0) return true;
    var stem = harmony(rest);
    var ending = harmony(Array.from(suffix));
    return stem === null || ending === null || stem === ending;
  }

  function afterSy(rest, view) {
    var n = rest.length;
    return n >= 3 && rest[n - 2] === "с" && isVowelLike(rest[n - 3], view);
  }

  function endsInStan(stem, len, view) {
    if (len !== 3 || stem.length < 5) return false;
    var n = stem.length;
    return stem.slice(n - 4).join("") === view.key("стан") && !isVowelLike(stem[n - 5], view);
  }

  function fits(view, stem, suffix) {
    var text = Array.from(suffix[0]);
    var after = suffix[1];
    var check = suffix[2];
    var len = text.length;
    if (stem.length < len + 2) return false;
    var rest = stem.slice(0, stem.length - len);
    var end = stem.slice(stem.length - len);
    if (end.join("") !== view.key(suffix[0])) return false;
    if (!hasVowel(rest, view)) return false;
    var before = rest[rest.length - 1];
    if (!after.some(function (cls) { return view.inClass(before, cls); })) return false;
    var n = rest.length;
    switch (check) {
      case "None":
        break;
      case "AccusativeN": {
        var root = rest.slice(0, n - 1);
        if (vowelCount(root, view) < 2 && !afterSy(rest, view)) return false;
        break;
      }
      case "Present":
        if (before === view.ch("л") && vowelCount(rest, view) > 1) return false;
        break;
      case "AfterVowelSy":
        if (view.inClass(before, KK.poss) && (n < 2 || rest[n - 2] !== "ш")) return false;
        if (vowelCount(rest, view) < 2) return false;
        break;
      case "TwoVowels":
        if (vowelCount(rest, view) < 2) return false;
        break;
      case "PossessiveAfterSh":
        if (before === "ш" && n >= 2) {
          var previous = rest[n - 2];
          if (previous === "у" || !isVowelLike(previous, view)) return false;
        }
        break;
      case "Attributive":
        if (before === "н" && n >= 2 && rest[n - 2] === "и") return false;
        break;
      default:
        throw new Error("unknown check " + check);
    }
    if (endsInStan(stem, len, view)) return false;
    return view.loose || harmonizes(rest, suffix[0]);
  }

  // Takes the longest fitting suffix of the table off the stem (in place).
  function strip(view, stem, table) {
    var best = null;
    for (var suffix of table) {
      if (!fits(view, stem, suffix)) continue;
      // The first of the longest, as Rust's stable sort picks it.
      if (best === null || Array.from(suffix[0]).length > Array.from(best[0]).length) best = suffix;
    }
    if (best === null) return null;
    stem.length -= Array.from(best[0]).length;
    return best[0];
  }

  function devoice(stem, view) {
    var front = harmony(stem) === false;
    var n = stem.length;
    if (n === 0) return;
    var last = stem[n - 1];
    var voiceless = last;
    if (last === "ғ") voiceless = "қ";
    else if (last === "г" && (front || view.loose)) voiceless = "к";
    else if (last === "б") voiceless = "п";
    stem[n - 1] = view.ch(voiceless);
  }

  function restoreFleetingVowel(stem, view) {
    var n = stem.length;
    if (n < 3 || vowelCount(stem, view) !== 1) return;
    var glide = view.loose ? "рлй" : "рлуй";
    if (!view.inClass(stem[n - 2], glide) || !view.inClass(stem[n - 1], "нзқк")) return;
    var back;
    if (view.loose) {
      back = !stem.some(function (c) { return "еи".indexOf(c) >= 0; });
    } else {
      var h = harmony(stem);
      back = h === null ? true : h;
    }
    stem.splice(n - 1, 0, view.ch(back ? "ы" : "і"));
  }

  function isCyrillicLetter(c) {
    var code = c.codePointAt(0);
    return code >= 0x400 && code <= 0x4ff && ALPHABETIC.test(c);
  }

  function startsWithAny(suffix, letters) {
    return suffix !== null && letters.indexOf(Array.from(suffix)[0]) >= 0;
  }

  function stemIn(word, view) {
    var chars = Array.from(word);
    if (chars.length === 0 || !chars.every(isCyrillicLetter)) return view.key(word);
    if (KK.unchanged.some(function (w) { return view.same(word, w); })) return view.key(word);
    for (var pair of KK.pronouns) {
      if (view.same(word, pair[0])) return view.key(pair[1]);
    }
    var stem = chars;
    var last = strip(view, stem, KK.final);
    var possessive = strip(view, stem, KK.possessive);
    strip(view, stem, KK.plural);
    var candidate = stem.join("");
    if (!KK.notParticiples.some(function (w) { return view.same(candidate, w); })) {
      strip(view, stem, KK.participle);
    }
    if (startsWithAny(possessive, "ыіае") || (possessive === null && startsWithAny(last, "ыіае"))) {
      devoice(stem, view);
    }
    if (startsWithAny(possessive, "ыі")) restoreFleetingVowel(stem, view);
    return stem.join("");
  }

  function stemKazakh(word) {
    return stemIn(word, new View(false));
  }

  function stemKazakhRussianKeyboard(word) {
    return stemIn(russianKeyboardKey(word), new View(true));
  }

  // ---- stems by prefix (mod.rs) ----------------------------------------

  function primaryLanguage(lang) {
    return lang.split(/[-_]/)[0].toLowerCase();
  }

  // The longest candidate in `stems` (a Set): the prefixes of the word and,
  // for English, each with a final y as i or an e added.
  function stemByPrefix(lang, stems, word) {
    var english = primaryLanguage(lang) === "en";
    var chars = Array.from(word);
    for (var end = chars.length; end >= 1; end--) {
      var prefix = chars.slice(0, end).join("");
      var candidates = [prefix];
      if (english) {
        candidates.push(prefix + "e");
        if (prefix.endsWith("y")) candidates.push(prefix.slice(0, -1) + "i");
      }
      for (var candidate of candidates) {
        if (stems.has(candidate)) return candidate;
      }
    }
    return null;
  }

  var api = {
    tokens: tokens,
    normalizeWord: normalizeWord,
    russianKeyboardKey: russianKeyboardKey,
    hasKazakhLetters: hasKazakhLetters,
    stemKazakh: stemKazakh,
    stemKazakhRussianKeyboard: stemKazakhRussianKeyboard,
    stemByPrefix: stemByPrefix,
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.pressroomSearch = api;
})(this);
