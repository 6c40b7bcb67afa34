// Full-text search: articles by `q`, and every resource at once with `/v1/search`.

import { type Article, type Newsdesk, orThrow } from "./client.js";

/** Articles matching `q`, best first. */
export async function searchArticles(api: Newsdesk, q: string, limit: number): Promise<Article[]> {
  const page = orThrow(await api.GET("/v1/articles", { params: { query: { q, limit } } }));
  return page.data;
}

/** Hits of every type for `q`, best first: `{type, id, title, snippet, score}`. */
export async function searchEverything(api: Newsdesk, q: string) {
  const page = orThrow(await api.GET("/v1/search", { params: { query: { q, limit: 10 } } }));
  return page.data;
}
