// Chinese queries, cut into the words the search index was cut into, so that Material's search
// finds the pages with every word of "算术强度", not every page with "算术". hooks/search_index.py
// writes search/words.json beside each language's index: how often jieba cut each word out of
// the pages. A query is cut as jieba would with those counts (the likeliest sequence of words).
// The browser's Intl.Segmenter cuts differently (时延 → 时 延) and would miss indexed words.
(() => {
  const QUERY = 2;  // Material 9.8's search worker message type for a query
  // Never indexed (hooks/search_index.py checks). Material's worker cuts each Han run again,
  // against its index, but never tries a cut that ends the run ("时延" became "时"): this
  // character ends each word, and that cutting drops it.
  const END = "〇";
  const han = /\p{Script=Han}+/gu;
  const config = JSON.parse(document.getElementById("__config").textContent);
  let counts;  // fetched on the first query

  function likeliest(run, known) {
    const total = Object.values(known).reduce((sum, count) => sum + count, 0);
    const best = [{ score: 0, words: [] }];
    for (let end = 1; end <= run.length; end++) {
      for (let start = 0; start < end; start++) {
        const word = run.slice(start, end);
        const count = known[word] ?? (word.length === 1 ? 0.5 : 0);  // an unknown character: unlikely
        if (!count || !best[start]) continue;
        const score = best[start].score + Math.log(count / total);
        if (!best[end] || score > best[end].score) best[end] = { score, words: [...best[start].words, word] };
      }
    }
    return best[run.length].words;
  }

  // Words of two or more characters are required (+); single characters (的, 批) only rank.
  const cut = (query, known) => query.replace(han, run => ` ${likeliest(run, known)
    .map(word => `${word.length > 1 ? "+" : ""}${word}${END}*`).join(" ")} `).trim().replace(/\s+/g, " ");

  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.type !== QUERY || typeof message.data !== "string") return post.call(this, message, ...rest);
    counts ??= fetch(new URL("search/words.json", new URL(config.base, location))).then(response => response.json());
    // every query waits on the same promise: they reach the worker in the order typed
    counts.then(known => post.call(this, { ...message, data: cut(message.data, known) }, ...rest));
  };
})();
