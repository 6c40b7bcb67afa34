// Full-text search, for when `/v1/search` is part of the description: until then
// this file is left out of the build (tsconfig.json), since its path and `q`
// parameter do not type-check against the current schema.

import { type Article, type Newsdesk, orThrow } from "./client.js";

/** Articles matching `q`, best first. */
export async function searchArticles(api: Newsdesk, q: string, limit: number): Promise<Article[]> {
  const page = orThrow(await api.GET("/v1/articles", { params: { query: { q, limit } } }));
  return page.data;
}
