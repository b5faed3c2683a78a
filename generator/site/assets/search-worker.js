// topic-digest search worker.
//
// Material for MkDocs runs its search in a web worker and lets a site swap in
// its own: this one speaks the same messages (SETUP, READY, QUERY, RESULT) but
// searches the sharded index in search/digest/ (see generator/search_index.py)
// and fetches only the term shards and paper buckets a query needs.
//
// It forgives: a query word finds the words of its stem (Snowball English,
// snowball-english.js, the stemmer generator/site/search_stems.py uses;
// search-words.js holds the word rules), the
// words it starts (while typing), and, when it finds nothing, the closest
// indexed words (a misspelling: one edit, two from 8 letters); a word that
// finds nothing even so is left out, and Material shows it as missing. The pages
// Material indexes itself (the hand-written ones) arrive with SETUP and are
// searched here too. Every title and text is escaped before it is returned,
// because Material inserts results as HTML.
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const FORMAT_VERSION = 2;    // generator/search_index.py writes this version
const ROOT = new URL("../../search/digest/", self.location);
const K1 = 1.2;              // term-weight saturation, as in BM25
const STEM_FACTOR = 0.9;     // "pruned" finds "pruning", just below the word itself
const PREFIX_FACTOR = 0.7;   // "quant" finds "quantization", below an exact hit
const STEM_PREFIX = 5;       // a stem this long finds the words it starts: "distilling" finds "DistilBERT"
const STEM_PREFIX_FACTOR = 0.6;
const TYPO_FACTORS = [1, 0.5, 0.4];  // "decodng" finds "decoding" (one edit), below any real match
const TYPO_LENGTH = 5;       // shorter words are not corrected: too many words are one edit away
const TYPO_TWO_EDITS = 8;    // from this length, two edits are forgiven
const MAX_TYPO_WORDS = 4;    // the closest indexed words a misspelling stands for
const MAX_VOCAB_SHARDS = 4;  // word-list shards read per side for one misspelling
const MAX_RESULTS = 30;      // papers and topic pages returned per query
const SETTLE_MS = 150;       // while typing, fetch papers only for the query that stays this long
const TYPING_MS = 500;       // queries this close together are one person typing
const MAX_SHARDS = 8;        // a very short prefix spanning more matches whole words only
const SNIPPET = 240;         // characters of abstract shown around the first hit
const WORD = /[\p{L}\p{N}_]{2,}/gu;
// A hyphenated compound, which the index also holds as one word (tokens.search_compounds).
const COMPOUND = /[\p{L}\p{N}_]+(?:[-\u2010\u2011][\p{L}\p{N}_]+)+/gu;

// The generated stemmer and the word rules (classic scripts beside this one)
// define EnglishStemmer, stem, stemKey, editDistance and reverse.
if (typeof importScripts === "function" && typeof EnglishStemmer === "undefined") {
  importScripts("snowball-english.js", "search-words.js");
}

let meta = null;
let bucketStarts = [];
let localDocs = [];
let latest = 0;
let lastQueryAt = -Infinity;
const cache = new Map();

// Fetch an index file once. Every file but meta.json carries the build's id,
// so a browser cache never mixes files of two builds; a failed fetch is retried.
function load(path) {
  if (!cache.has(path)) {
    const url = new URL(path, ROOT);
    if (meta) url.searchParams.set("v", meta.build);
    const request = fetch(url, path === "meta.json" ? { cache: "no-cache" } : {}).then(response => {
      if (!response.ok) throw new Error(`search index: ${path}: HTTP ${response.status}`);
      return response.json();
    });
    cache.set(path, request.catch(error => { cache.delete(path); throw error; }));
  }
  return cache.get(path);
}

function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

function tokens(query) {
  return [...new Set(normalize(query).match(WORD) || [])];
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, ch => `&#${ch.charCodeAt(0)};`);
}

function decodeEntities(html) {
  const named = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " " };
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code) => {
    if (code[0] === "#") {
      const number = code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return number > 0 && number <= 0x10ffff ? String.fromCodePoint(number) : entity;
    }
    return Object.hasOwn(named, code.toLowerCase()) ? named[code.toLowerCase()] : entity;
  });
}

// Escape text and wrap every word starting with a query term in <mark>.
// Terms are runs of word characters, so they are safe inside a pattern.
function highlight(text, terms) {
  if (!terms.length) return escapeHTML(text);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${terms.join("|")})[\\p{L}\\p{N}_]*`, "giu");
  let out = "", last = 0;
  for (const match of text.matchAll(pattern)) {
    out += escapeHTML(text.slice(last, match.index)) + `<mark>${escapeHTML(match[0])}</mark>`;
    last = match.index + match[0].length;
  }
  return out + escapeHTML(text.slice(last));
}

// A window of text around its first hit, cut at spaces, escaped and marked.
function snippet(text, terms) {
  if (!text) return "";
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${terms.join("|")})`, "iu");
  const hit = terms.length ? text.search(pattern) : -1;
  let start = Math.max(0, hit - SNIPPET / 4);
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  let end = Math.min(text.length, start + SNIPPET);
  if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  return `${start > 0 ? "… " : ""}${highlight(text.slice(start, end), terms)}${end < text.length ? " …" : ""}`;
}

// First index i with list[i] > value (list sorted).
function upperBound(list, value) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] <= value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// Shards [first, last] of a sorted list (by each shard's first entry) that hold entries starting with prefix.
function shardRange(firsts, prefix) {
  const first = Math.max(0, upperBound(firsts, prefix) - 1);
  return [first, Math.max(first, upperBound(firsts, prefix + "\uffff") - 1)];
}

// Scores of the documents holding a word of the term's stem, the term itself,
// or (with prefix) a word it starts; the words found, and whether the stem
// matched. Words of a stem start with its key, so they sit in the same shards.
async function termScores(term, documents, prefix, factor = 1) {
  const stemmed = stem(term);
  let start = stemKey(stemmed);
  while (!term.startsWith(start)) start = start.slice(0, -1);
  let [first, last] = shardRange(meta.shards, start);
  if (last - first >= MAX_SHARDS) [first, last] = shardRange(meta.shards, term);
  const wide = last - first >= MAX_SHARDS;
  const paths = new Set();
  for (let i = first; i <= (wide ? first : last); i++) paths.add(i);
  // hasOwn: a query word may be "constructor" or "__proto__".
  const extra = meta.stem_exceptions && Object.hasOwn(meta.stem_exceptions, stemmed) ? meta.stem_exceptions[stemmed] : [];
  for (const word of extra) paths.add(Math.max(0, upperBound(meta.shards, word) - 1));
  const scores = new Map();
  const words = new Set();
  for (const entries of await Promise.all([...paths].map(i => load(`terms/${i}.json`)))) {
    for (const [word, postings] of entries) {
      const weightOf = word === term ? 1
        : stem(word) === stemmed ? STEM_FACTOR
        : prefix && !wide && word.startsWith(term) ? PREFIX_FACTOR
        : stemmed.length >= STEM_PREFIX && word.startsWith(stemmed) ? STEM_PREFIX_FACTOR : 0;
      if (!weightOf) continue;
      words.add(word);
      const found = postings.length / 2;
      const idf = Math.log(1 + (documents - found + 0.5) / (found + 0.5));
      let doc = 0;
      for (let i = 0; i < postings.length; i += 2) {
        doc += postings[i];
        const weight = postings[i + 1];
        const score = factor * weightOf * idf * weight * (K1 + 1) / (weight + K1);
        if (!(scores.get(doc) >= score)) scores.set(doc, score);
      }
    }
  }
  return { scores, words, stemmed: [...words].some(word => word !== term && stem(word) === stemmed) };
}

// Entries of a sorted word list that start with prefix (at most MAX_VOCAB_SHARDS shards).
async function vocabulary(list, prefix) {
  const firsts = meta[list] || [];
  if (!firsts.length) return [];
  const [first, last] = shardRange(firsts, prefix);
  const shards = [];
  for (let i = first; i <= Math.min(last, first + MAX_VOCAB_SHARDS - 1); i++) shards.push(load(`${list}/${i}.json`));
  return (await Promise.all(shards)).flat().filter(word => word.startsWith(prefix));
}

// The closest indexed words to a word that matches none: one edit away, two
// from TYPO_TWO_EDITS letters. A word that far off keeps its first or its last
// letters (a third of it for two edits, almost half for one), so the worker
// reads only the word lists' shards that start with those.
async function closestWords(term) {
  const letters = [...term];
  if (letters.length < TYPO_LENGTH || /^\d+$/.test(term)) return { words: [], distance: 0 };
  const limit = letters.length >= TYPO_TWO_EDITS ? 2 : 1;
  const part = Math.max(2, Math.floor((letters.length - 1) / (limit + 1)));
  const [forward, backward] = await Promise.all([
    vocabulary("vocab", letters.slice(0, part).join("")),
    vocabulary("backward", reverse(letters.slice(-part).join(""))),
  ]);
  let best = limit + 1, found = [];
  for (const word of new Set([...forward, ...backward.map(reverse)])) {
    const distance = editDistance(term, word, limit);
    if (distance < best) { best = distance; found = []; }
    if (distance === best && distance <= limit) found.push(word);
  }
  return { words: found.sort().slice(0, MAX_TYPO_WORDS), distance: best };
}

// The start of the words of a word's stem, to mark them; none if so short it would mark unrelated words.
function stemMark(word) {
  const key = stemKey(stem(word));
  return key.length >= 3 ? [key] : [];
}

// What one query word finds: its scores and the starts of the words to mark.
// A misspelling stands for its closest words (the first four in alphabetical
// order when more are as close) and their stems.
async function matchTerm(term, documents, correct) {
  const direct = await termScores(term, documents, true);
  if (direct.scores.size || !correct) {
    return { term, scores: direct.scores, marks: [term, ...(direct.stemmed ? stemMark(term) : [])] };
  }
  const { words, distance } = await closestWords(term);
  const scores = new Map(), marks = [];
  for (const word of words) {
    const found = await termScores(word, documents, false, TYPO_FACTORS[distance]);
    for (const [doc, score] of found.scores) if (!(scores.get(doc) >= score)) scores.set(doc, score);
    marks.push(word, ...stemMark(word));
  }
  return { term, scores, marks };
}

// The best documents for the query's words, and the words left out (those
// that match nothing). Documents holding more of the words come first, so a
// paper that lacks one word still follows those that have them all: each
// hit carries the words it holds.
async function rank(terms, compounds, known) {
  const documents = meta.papers + meta.page_docs.length;
  const all = await Promise.all(terms.map(term => matchTerm(term, documents, !known.has(term))));
  // A compound of the query ("FlashAttention-2") written as one word adds to
  // the score of the documents that hold it so, and finds nothing by itself.
  const bonus = await Promise.all(compounds.map(compound => termScores(compound, documents, false)));
  const matches = all.filter(match => match.scores.size);
  const totals = new Map();
  matches.forEach((match, index) => {
    for (const [doc, score] of match.scores) {
      const total = totals.get(doc) || { count: 0, score: 0, has: [] };
      total.count += 1;
      total.score += score;
      total.has[index] = true;
      totals.set(doc, total);
    }
  });
  for (const { scores } of bonus) {
    for (const [doc, score] of scores) if (totals.has(doc)) totals.get(doc).score += score;
  }
  const hits = [...totals].map(([doc, total]) => [doc, total.score, total.count, total.has]);
  hits.sort((a, b) => b[2] - a[2] || b[1] - a[1] || a[0] - b[0]);
  const kept = new Set(matches.map(match => match.term));
  return { hits: hits.slice(0, MAX_RESULTS), matches, ignored: terms.filter(term => !kept.has(term)) };
}

// Whether a title holds the query's words one after another, each as the
// query word, a word of its stem, or a word it starts.
function titleHoldsPhrase(title, matches) {
  if (matches.length < 2) return false;
  const words = tokensInOrder(title);
  const fits = (word, match) => match.marks.some(mark => word.startsWith(mark));
  for (let i = 0; i + matches.length <= words.length; i++) {
    if (matches.every((match, j) => fits(words[i + j], match))) return true;
  }
  return false;
}

function tokensInOrder(text) {
  return normalize(text).match(WORD) || [];
}

async function paper(doc) {
  const bucket = upperBound(bucketStarts, doc) - 1;
  const docs = await load(`docs/${bucket}.json`);
  const [title, page, anchor, abstract] = docs[doc - bucketStarts[bucket]];
  return { title, page, anchor, abstract };
}

const settle = () => new Promise(resolve => setTimeout(resolve, SETTLE_MS));

// The terms object Material reads for a result: the words it holds are true,
// the others false (Material lists those as "Missing").
function termsShown(matches, ignored, has) {
  return Object.fromEntries([...matches.map((match, index) => [match.term, Boolean(has[index])]), ...ignored.map(term => [term, false])]);
}

// Results in score order (a title holding the query as a phrase first), each
// run of results on one page grouped under it, as Material shows a page and
// its sections; null if a newer query arrived meanwhile.
async function digestGroups(terms, compounds, known, typing, isCurrent) {
  if (!meta) return { groups: [], partial: [], ignored: [], marks: terms };
  const { hits, matches, ignored } = await rank(terms, compounds, known);
  const marks = [...new Set(matches.flatMap(match => match.marks))].filter(mark => mark.length >= 2);
  if (typing) await settle();
  if (!isCurrent()) return null;
  const found = await Promise.all(hits.map(([doc]) => doc < meta.papers ? paper(doc) : null));
  const order = hits.map(([doc, score, count, has], index) => ({ doc, score, count, has, item: found[index] }));
  for (const entry of order) entry.phrase = entry.item ? titleHoldsPhrase(entry.item.title, matches) : false;
  order.sort((a, b) => b.count - a.count || b.phrase - a.phrase || b.score - a.score || a.doc - b.doc);
  const groups = [], partial = [];
  let previous = null;
  for (const { doc, score, count, has, item } of order) {
    const page = item ? item.page : meta.page_docs[doc - meta.papers];
    const [url, title, text] = meta.pages[page];
    const query = termsShown(matches, ignored, has);
    const list = count < matches.length ? partial : groups;
    if (previous !== `${page} ${list === partial}`) {
      list.push([{ location: url, title: highlight(title, marks), text: "", score, terms: query }]);
      previous = `${page} ${list === partial}`;
    }
    const group = list[list.length - 1];
    if (item) {
      group.push({
        location: `${url}#${encodeURIComponent(item.anchor)}`,
        title: highlight(item.title, marks),
        text: snippet(item.abstract, marks),
        // Material folds away the items of a group scored below its first.
        score: group[0].score,
        terms: query,
      });
    } else {
      group[0].text = snippet(text, marks);
    }
  }
  return { groups, partial, ignored, marks };
}

// A word of a hand-written page matches a query word it starts with or shares a stem with.
function sameWord(word, term) {
  return word.startsWith(term) || stem(word) === stem(term);
}

// Material's own documents (hand-written pages), matched word by word.
function localGroups(terms, marks) {
  const groups = new Map();
  const query = Object.fromEntries(terms.map(term => [term, true]));
  for (const doc of localDocs) {
    const inTitle = terms.filter(term => doc.titleWords.some(word => sameWord(word, term)));
    const all = terms.every(term => inTitle.includes(term) || doc.words.some(word => sameWord(word, term)));
    if (!all) continue;
    const page = doc.location.split("#")[0];
    if (!groups.has(page)) groups.set(page, { score: 0, items: [] });
    const group = groups.get(page);
    const score = inTitle.length * 3 + terms.length;
    group.score = Math.max(group.score, score);
    group.items.push({
      location: doc.location,
      title: highlight(doc.title, marks),
      text: snippet(doc.text, marks),
      score,
      terms: query,
    });
  }
  return [...groups.values()].sort((a, b) => b.score - a.score).map(group => {
    const items = group.items;
    const article = items.findIndex(item => !item.location.includes("#"));
    if (article > 0) items.unshift(...items.splice(article, 1));
    if (article === -1) {
      const location = items[0].location.split("#")[0];
      const page = localDocs.find(doc => doc.location === location);
      items.unshift({ ...items[0], location, title: highlight(page ? page.title : items[0].title, marks), text: "" });
    }
    return items.map(item => ({ ...item, score: group.score }));
  });
}

async function search(query, typing, isCurrent) {
  const terms = tokens(query);
  if (!terms.length) return { items: [] };
  const compounds = [...new Set((normalize(query).match(COMPOUND) || []).map(compound => compound.replace(/[-\u2010\u2011]/g, "")))];
  // A word of a hand-written page is neither corrected nor left out.
  const known = new Set(terms.filter(term => localDocs.some(doc => [...doc.titleWords, ...doc.words].some(word => sameWord(word, term)))));
  const digest = await digestGroups(terms, compounds, known, typing, isCurrent);
  if (digest === null) return null;
  const kept = terms.filter(term => known.has(term) || !digest.ignored.includes(term));
  const local = kept.length ? localGroups(kept, [...new Set([...digest.marks, ...kept])]) : [];
  // A hand-written page whose title has every term comes first, others after
  // the papers with every word, before those that lack some (all papers lack
  // a word that only hand-written pages hold).
  const strong = local.filter(group => group[0].score >= kept.length * 4);
  const weak = local.filter(group => group[0].score < kept.length * 4);
  if (digest.ignored.some(term => known.has(term))) return { items: [...strong, ...weak, ...digest.groups, ...digest.partial] };
  return { items: [...strong, ...digest.groups, ...weak, ...digest.partial] };
}

async function setup(data) {
  localDocs = (data.docs || []).map(doc => {
    const title = decodeEntities(String(doc.title || "").replace(/<[^>]*>/g, ""));
    const text = decodeEntities(String(doc.text || "").replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
    return { location: doc.location, title, text, titleWords: tokens(title), words: tokens(text) };
  });
  try {
    const loaded = await load("meta.json");
    if (loaded.version !== FORMAT_VERSION) throw new Error(`search index version ${loaded.version}, expected ${FORMAT_VERSION}`);
    meta = loaded;
    bucketStarts = [];
    let start = 0;
    for (const size of meta.buckets) { bucketStarts.push(start); start += size; }
  } catch (error) {
    console.warn("topic-digest: the search index could not be loaded; only hand-written pages are searched.", error);
    meta = null;
  }
}

// Start loading the index at once; Material sends SETUP only after it has
// fetched its own index.
load("meta.json").catch(() => {});

self.addEventListener("message", async event => {
  const message = event.data;
  if (message.type === SETUP) {
    await setup(message.data);
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    const id = ++latest;
    const isCurrent = () => id === latest;
    const now = performance.now();
    const typing = now - lastQueryAt < TYPING_MS;
    if (tokens(message.data).length) lastQueryAt = now;
    let data;
    try {
      data = await search(message.data, typing, isCurrent);
    } catch (error) {
      console.warn("topic-digest: search failed", error);
      data = { items: [] };
    }
    // Only the newest query's results are shown.
    if (data !== null && isCurrent()) self.postMessage({ type: RESULT, data });
  }
});
