// A typed newsdesk client: the paths, parameters and bodies below are checked by
// `tsc --strict` against src/schema.d.ts, which openapi-typescript generates from
// openapi/openapi.json (`npm run generate`).

import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Article = components["schemas"]["Article"];
export type Quote = components["schemas"]["Quote"];

export type Newsdesk = ReturnType<typeof newsdesk>;

/** A client for the newsdesk at `baseUrl`, sending `key` as a bearer token if given. */
export function newsdesk(baseUrl: string, key?: string) {
  // JSON is what this client reads; single resources also come as JSON-LD and ninjs.
  return createClient<paths, "application/json">({
    baseUrl,
    headers: key ? { Authorization: `Bearer ${key}` } : {},
  });
}

/** Every error is an RFC 9457 problem (`application/problem+json`): turn it into
 *  an exception that shows it. */
export function orThrow<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined) {
    return result.data;
  }
  throw new Error(`${result.response.url}: ${result.response.status} ${JSON.stringify(result.error)}`);
}

// `include` is a comma-separated list (form style, not exploded), unlike the
// repeatable filters: requests that side-load say so.
const commaSeparated = { array: { style: "form", explode: false } } as const;

/** The newest articles, one page. */
export async function latestArticles(api: Newsdesk, limit: number): Promise<Article[]> {
  const page = orThrow(await api.GET("/v1/articles", { params: { query: { limit } } }));
  return page.data;
}

/** One article with its quotes, side-loaded in the same request. */
export async function articleWithQuotes(
  api: Newsdesk,
  id: string,
): Promise<{ article: Article; quotes: Quote[] }> {
  const single = orThrow(
    await api.GET("/v1/articles/{id}", {
      params: { path: { id }, query: { include: ["quotes"] } },
      querySerializer: commaSeparated,
    }),
  );
  return { article: single.data, quotes: single.included?.quotes ?? [] };
}

/** Every quote of a speaker, following `page.next_cursor` until it is null. */
export async function allQuotesBy(api: Newsdesk, speaker: string, limit: number): Promise<Quote[][]> {
  const pages: Quote[][] = [];
  let cursor: string | undefined;
  do {
    const page = orThrow(
      await api.GET("/v1/quotes", {
        params: { query: { speaker: [speaker], limit, ...(cursor ? { cursor } : {}) } },
      }),
    );
    pages.push(page.data);
    cursor = page.page.next_cursor ?? undefined;
  } while (cursor);
  return pages;
}
