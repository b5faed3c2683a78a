// topic-digest search worker.
//
// Material for MkDocs runs its search in a web worker and lets a site swap in
// its own: this one speaks the same messages (SETUP, READY, QUERY, RESULT) but
// searches the sharded index in search/digest/ (see generator/search_index.py)
// and fetches only the term shards and paper buckets a query needs. The pages
// Material indexes itself (the hand-written ones) arrive with SETUP and are
// searched here too. Every title and text is escaped before it is returned,
// because Material inserts results as HTML.
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const FORMAT_VERSION = 1;    // generator/search_index.py writes this version
const ROOT = new URL("../../search/digest/", self.location);
const K1 = 1.2;              // term-weight saturation, as in BM25
const PREFIX_FACTOR = 0.7;   // "quant" finds "quantization", below an exact hit
const MAX_RESULTS = 30;      // papers and topic pages returned per query
const SETTLE_MS = 150;       // while typing, fetch papers only for the query that stays this long
const TYPING_MS = 500;       // queries this close together are one person typing
const MAX_SHARDS = 8;        // a very short prefix spanning more matches whole words only
const SNIPPET = 240;         // characters of abstract shown around the first hit
const WORD = /[\p{L}\p{N}_]{2,}/gu;

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
    return named[code.toLowerCase()] ?? entity;
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

// Scores of every document holding the term, or a term it starts (prefix search).
async function termScores(term, documents) {
  const first = Math.max(0, upperBound(meta.shards, term) - 1);
  const last = Math.max(first, upperBound(meta.shards, term + "\uffff") - 1);
  const prefix = last - first < MAX_SHARDS;
  const shards = [];
  for (let i = first; i <= (prefix ? last : first); i++) shards.push(load(`terms/${i}.json`));
  const scores = new Map();
  for (const entries of await Promise.all(shards)) {
    for (const [word, postings] of entries) {
      if (word !== term && !(prefix && word.startsWith(term))) continue;
      const found = postings.length / 2;
      const idf = Math.log(1 + (documents - found + 0.5) / (found + 0.5));
      const factor = word === term ? 1 : PREFIX_FACTOR;
      let doc = 0;
      for (let i = 0; i < postings.length; i += 2) {
        doc += postings[i];
        const weight = postings[i + 1];
        const score = factor * idf * weight * (K1 + 1) / (weight + K1);
        if (!(scores.get(doc) >= score)) scores.set(doc, score);
      }
    }
  }
  return scores;
}

// Documents holding every term, best first.
async function rank(terms) {
  const documents = meta.papers + meta.page_docs.length;
  const perTerm = await Promise.all(terms.map(term => termScores(term, documents)));
  perTerm.sort((a, b) => a.size - b.size);
  const [fewest, ...others] = perTerm;
  const hits = [];
  for (const [doc, score] of fewest) {
    let total = score;
    for (const other of others) {
      const more = other.get(doc);
      if (more === undefined) { total = -1; break; }
      total += more;
    }
    if (total >= 0) hits.push([doc, total]);
  }
  hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return hits.slice(0, MAX_RESULTS);
}

async function paper(doc) {
  const bucket = upperBound(bucketStarts, doc) - 1;
  const docs = await load(`docs/${bucket}.json`);
  const [title, page, anchor, abstract] = docs[doc - bucketStarts[bucket]];
  return { title, page, anchor, abstract };
}

const settle = () => new Promise(resolve => setTimeout(resolve, SETTLE_MS));

// Group hits under their pages, as Material shows a page and its sections;
// null if a newer query arrived meanwhile.
async function digestGroups(terms, typing, isCurrent) {
  if (!meta) return [];
  const hits = await rank(terms);
  if (typing) await settle();
  if (!isCurrent()) return null;
  const found = await Promise.all(hits.map(([doc]) => doc < meta.papers ? paper(doc) : null));
  const groups = new Map();
  const query = Object.fromEntries(terms.map(term => [term, true]));
  hits.forEach(([doc, score], index) => {
    const item = found[index];
    const page = item ? item.page : meta.page_docs[doc - meta.papers];
    const [url, title, text] = meta.pages[page];
    if (!groups.has(page)) {
      groups.set(page, [{ location: url, title: highlight(title, terms), text: "", score, terms: query }]);
    }
    const group = groups.get(page);
    if (item) {
      group.push({
        location: `${url}#${encodeURIComponent(item.anchor)}`,
        title: highlight(item.title, terms),
        text: snippet(item.abstract, terms),
        score: group[0].score,
        terms: query,
      });
    } else {
      group[0].text = snippet(text, terms);
    }
  });
  return [...groups.values()];
}

// Material's own documents (hand-written pages), matched word by word.
function localGroups(terms) {
  const groups = new Map();
  const query = Object.fromEntries(terms.map(term => [term, true]));
  for (const doc of localDocs) {
    const inTitle = terms.filter(term => doc.titleWords.some(word => word.startsWith(term)));
    const all = terms.every(term => inTitle.includes(term) || doc.words.some(word => word.startsWith(term)));
    if (!all) continue;
    const page = doc.location.split("#")[0];
    if (!groups.has(page)) groups.set(page, { score: 0, items: [] });
    const group = groups.get(page);
    const score = inTitle.length * 3 + terms.length;
    group.score = Math.max(group.score, score);
    group.items.push({
      location: doc.location,
      title: highlight(doc.title, terms),
      text: snippet(doc.text, terms),
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
      items.unshift({ ...items[0], location, title: highlight(page ? page.title : items[0].title, terms), text: "" });
    }
    return items.map(item => ({ ...item, score: group.score }));
  });
}

async function search(query, typing, isCurrent) {
  const terms = tokens(query);
  if (!terms.length) return { items: [] };
  const local = localGroups(terms);
  const digest = await digestGroups(terms, typing, isCurrent);
  if (digest === null) return null;
  // A hand-written page whose title has every term comes first; others last.
  const strong = local.filter(group => group[0].score >= terms.length * 4);
  const weak = local.filter(group => group[0].score < terms.length * 4);
  return { items: [...strong, ...digest, ...weak] };
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
