// Reads a live newsdesk the way a frontend would, and fails loudly when an answer
// is not what the API promises. tests/run runs it against a fresh server.
//
//   npm ci && npm run build && node dist/main.js http://127.0.0.1:8080

import { allQuotesBy, articleWithQuotes, latestArticles, newsdesk } from "./client.js";
import { searchArticles, searchEverything } from "./search.js";

declare const process: { argv: string[]; env: Record<string, string | undefined> };

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(`typescript example: ${message}`);
  }
}

const baseUrl = process.argv[2] ?? process.env["NEWSDESK_URL"] ?? "http://127.0.0.1:8080";
const api = newsdesk(baseUrl, process.env["NEWSDESK_KEY"]);

// 1. List articles: the newest first.
const articles = await latestArticles(api, 2);
check(articles.length > 0, "the article list is empty");
for (const [earlier, later] of articles.slice(1).map((a, i) => [articles[i], a] as const)) {
  check(earlier !== undefined && earlier.published_at >= later.published_at, "articles are not newest first");
}
console.log(`latest articles: ${articles.map((a) => a.headline).join(" | ")}`);

// 2. Read one with its quotes, side-loaded.
const first = articles[0];
check(first !== undefined, "no first article");
const { article, quotes } = await articleWithQuotes(api, first.id);
const included = new Set(quotes.map((q) => q.id));
check(
  article.quotes.every((id) => included.has(id)) && quotes.every((q) => q.article === article.id),
  `the quotes of ${article.id} did not all come in "included"`,
);
console.log(`${article.id}: ${article.body.length} blocks, ${quotes.length} quotes`);

// 3. Follow a cursor to the end of a list.
const speaker = quotes[0]?.speaker ?? "aleksandr-lukashenko";
const pages = await allQuotesBy(api, speaker, 2);
const ids = pages.flat().map((q) => q.id);
check(new Set(ids).size === ids.length, "a quote came twice while following the cursor");
check(pages.flat().every((q) => q.speaker === speaker), "the speaker filter let another speaker through");
check(pages.slice(0, -1).every((p) => p.length === 2), "a page before the last one was short");
console.log(`${speaker}: ${ids.length} quotes over ${pages.length} pages`);

// 4. Search: a phrase across articles, then across every resource.
const found = await searchArticles(api, '"food security"', 5);
check(found.some((a) => a.id === "lukashenko-at-sco-summit-astana"), "search missed the summit article");
const hits = await searchEverything(api, "Brazil");
check(hits.length > 0 && hits.every((h) => h.snippet.includes("<mark>")), "search hits carry no marked snippet");
console.log(`search: ${found.length} articles for "food security"; ${hits.map((h) => `${h.type}/${h.id}`).join(", ")} for Brazil`);
