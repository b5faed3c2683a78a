// Word rules of the topic-digest search worker (search-worker.js loads this
// script beside it): stems, the start the words of a stem share, and edit
// distance for misspellings. The stemmer is snowball-english.js, loaded first.
"use strict";

const stemmer = new EnglishStemmer();
const stems = new Map();

function stem(word) {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer.stemWord(word);
    if (stems.size > 50000) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

// The start the words of a stem share (search_stems.stem_key does the same):
// "prune" is the stem of "pruning", "happi" of "happy", "scalabl" of "scalability".
function stemKey(stemmed) {
  if (/[ei]$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  if (stemmed.endsWith("bl")) stemmed = stemmed.slice(0, -1);
  return stemmed;
}

// Edit distance counting a swap of two neighbours as one edit; at most `limit` + 1.
function editDistance(a, b, limit) {
  a = [...a]; b = [...b];
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null, previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let cost = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, before[j - 2] + 1);
      row.push(cost);
      best = Math.min(best, cost);
    }
    if (best > limit) return limit + 1;
    before = previous; previous = row;
  }
  return previous[b.length];
}

// A word spelt backwards, by code point (the backward word list of the index is too).
const reverse = word => [...word].reverse().join("");
