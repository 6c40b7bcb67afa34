// Generates openapi/newsdesk.postman_collection.json from openapi/openapi.json with
// openapi-to-postmanv2, then makes it runnable and self-checking:
//   - `baseUrl` and `bearerToken` collection variables; every request inherits the
//     collection's bearer auth;
//   - path placeholders filled with fixture ids (and, for deletes, the ids that the
//     collection's own POSTs created), query filters filled with the description's
//     examples (only `limit`, `include` and required ones are sent; the rest are there, disabled,
//     to switch on);
//   - requests ordered so that each folder creates before it reads, and deletes last;
//   - on every request, a test of the status code and of the response against the
//     description's schema for it; on the API root, that every link is a path here.
// The converter's output asserts nothing: everything under "event" is added here.
//
// Usage: node tests/clients/postman.js openapi/openapi.json > openapi/newsdesk.postman_collection.json
// (tests/run checks that the committed collection is what this script makes.)

'use strict';

const fs = require('fs');
const crypto = require('crypto');
const Converter = require('openapi-to-postmanv2');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

// Fixture ids (stable: partners link to them) for each kind of path parameter.
const FIXTURE_IDS = {
  articles: 'lukashenko-meets-xi-jinping-astana',
  quotes: 'lukashenko-wonderful-gift',
  participants: 'xi-jinping',
  events: 'lukashenko-xi-meeting-2024',
  topics: 'food-security',
  problems: 'not-found',
};
// The resource each POST of the collection creates, saved for the DELETE.
const CREATED = {
  articles: 'createdArticleId',
  quotes: 'createdQuoteId',
  participants: 'createdParticipantId',
  events: 'createdEventId',
  webhooks: 'webhookId',
};
// The token of the preview link that the collection mints, for the request that opens it.
const PREVIEW_TOKEN = 'previewToken';
// What the API root must link to, at least.
const ROOT_LINKS = ['articles', 'quotes', 'participants', 'events', 'topics', 'search', 'changes', 'docs', 'openapi', 'health'];
const METHOD_ORDER = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];
// ajv 6, which Postman's sandbox uses, refuses formats it does not know.
const AJV_FORMATS = new Set(['date', 'time', 'date-time', 'uri', 'uri-reference', 'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid']);

/** The collection name of a path: `/v1/articles/{id}/quotes` → `articles`. */
function resourceOf(path) {
  const parts = path.split('/').filter(Boolean);
  return parts[0] === 'v1' ? parts[1] : parts[0];
}

/** A JSON Schema for ajv (draft-07): the response schema with the component
 *  schemas it reaches under `definitions`, and no OpenAPI-only keywords. */
function selfContained(schema) {
  const definitions = {};
  const pending = [];
  const rewrite = (node) => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!(name in definitions)) {
          definitions[name] = null;
          pending.push(name);
        }
        out.$ref = `#/definitions/${name}`;
      } else if (key === 'format' && typeof value === 'string' && !AJV_FORMATS.has(value)) {
        continue;
      } else if (key === 'example' || key === 'examples' || (key === 'description' && typeof value === 'string')) {
        continue;
      } else {
        out[key] = rewrite(value);
      }
    }
    return out;
  };
  const root = rewrite(schema);
  while (pending.length) {
    const name = pending.pop();
    definitions[name] = rewrite(spec.components.schemas[name]);
  }
  return Object.keys(definitions).length ? { ...root, definitions } : root;
}

function resolveResponse(response) {
  if (response && response.$ref) {
    return spec.components.responses[response.$ref.split('/').pop()];
  }
  return response;
}

/** The test script of one operation: its success status and, for JSON, its schema. */
function tests(method, path, operation, mediaType) {
  const status = Object.keys(operation.responses).filter((s) => /^2\d\d$/.test(s)).sort()[0];
  const response = resolveResponse(operation.responses[status]) || {};
  const content = response.content || {};
  const lines = [
    `pm.test("${method} ${path} answers ${status}", function () {`,
    `    pm.response.to.have.status(${status});`,
    '});',
  ];
  const media = Object.keys(content).find((m) => m === mediaType) || Object.keys(content)[0];
  if (media === 'application/json' && content[media].schema) {
    const schema = JSON.stringify(selfContained(content[media].schema));
    lines.push(
      'pm.test("the body matches the OpenAPI schema", function () {',
      `    pm.response.to.have.jsonSchema(${schema});`,
      '});',
    );
  } else if (media) {
    lines.push(
      `pm.test("the body is ${media}", function () {`,
      `    pm.expect(pm.response.headers.get("Content-Type")).to.include("${media}");`,
      '    pm.expect(pm.response.text()).to.not.be.empty;',
      '});',
    );
  }
  if (path === '/' || path === '/v1') {
    // The API root: where an explorer starts, so every link must lead on from here.
    lines.push(
      'pm.test("the index links to everything, by paths on this server", function () {',
      '    const links = pm.response.json().links;',
      `    pm.expect(Object.keys(links)).to.include.members(${JSON.stringify(ROOT_LINKS)});`,
      '    for (const link of Object.values(links)) {',
      '        pm.expect(link.href).to.match(/^\\/(?!\\/)/);',
      '        pm.expect(link.description).to.not.be.empty;',
      '    }',
      '});',
    );
  }
  const resource = resourceOf(path);
  // Only a POST to the collection itself creates what the DELETE removes (a POST
  // under an article, such as its previews, creates something else).
  if (method === 'POST' && CREATED[resource] && path === `/v1/${resource}`) {
    lines.push(`pm.collectionVariables.set("${CREATED[resource]}", pm.response.json().data.id);`);
  }
  // A preview link is only good with the token the server signed: keep it for the
  // request that opens it.
  if (method === 'POST' && path === '/v1/articles/{id}/previews') {
    lines.push(`pm.collectionVariables.set("${PREVIEW_TOKEN}", pm.response.json().data.token);`);
  }
  return lines;
}

/** Feeds are checked in two formats: JSON Feed of articles, RSS of quotes. */
function feedFormat(path) {
  return path.includes('articles') ? 'json' : 'rss';
}
const FEED_MEDIA = { json: 'application/feed+json', rss: 'application/rss+xml' };

/** Fills the placeholders of one converted request. */
function fill(request, method, path, operation) {
  delete request.auth; // inherit the collection's bearer auth
  const resource = resourceOf(path);
  const values = {
    id: method === 'DELETE' || resource === 'webhooks'
      ? `{{${CREATED[resource]}}}`
      // A preview opens the article the collection minted its link for.
      : FIXTURE_IDS[resource === 'previews' ? 'articles' : resource],
    slug: FIXTURE_IDS[resource],
    n: '1',
    page: '1',
    format: feedFormat(path),
  };
  const url = request.url;
  // `articles.{format}` and `articles-{page}.xml` are not whole segments: the
  // converter leaves them as text.
  url.path = url.path.map((segment) => segment
    .replace(/\{\{format\}\}|\{format\}/, values.format)
    .replace(/\{\{page\}\}|\{page\}/, values.page));
  for (const variable of url.variable || []) {
    variable.value = values[variable.key];
  }
  const params = Object.fromEntries((operation.parameters || []).map((p) => [`${p.in}:${p.name}`, p]));
  const seen = new Set();
  url.query = (url.query || []).filter((q) => {
    // Repeated filters are listed twice by the converter: once is enough.
    if (seen.has(q.key)) return false;
    seen.add(q.key);
    const param = params[`query:${q.key}`];
    let example = param && param.example;
    if (resource === 'previews' && q.key === 'token') example = `{{${PREVIEW_TOKEN}}}`;
    if (q.key === 'limit') example = 2;
    if (Array.isArray(example)) example = example.join(',');
    q.value = example === undefined ? '' : String(example);
    // Required parameters (the `q` of /v1/search) are sent with their example too.
    const required = Boolean(param && param.required);
    q.disabled = !(q.key === 'limit' || q.key === 'include' || required) || q.value === '';
    return !(q.key === 'cursor' || q.key === 'since');
  });
  if (!url.query.length) delete url.query;
  request.header = (request.header || []).filter((h) => h.key !== 'If-Match');
  const body = request.body && request.body.raw !== undefined;
  if (body) {
    const content = operation.requestBody.content;
    const media = Object.keys(content)[0];
    request.body.raw = JSON.stringify(content[media].example, null, 2);
    request.header = request.header.filter((h) => h.key !== 'Content-Type');
    request.header.push({ key: 'Content-Type', value: media });
  }
  // Recompute `raw` from the parts, which is what Postman shows.
  delete url.raw;
}

/** A stable id in place of the converter's random ones, so the output is reproducible. */
function stableIds(node, seed) {
  if (Array.isArray(node)) return node.forEach((n, i) => stableIds(n, `${seed}/${i}`));
  if (node === null || typeof node !== 'object') return;
  if (typeof node.id === 'string' && /^[0-9a-f-]{36}$/.test(node.id)) {
    const hex = crypto.createHash('sha256').update(seed).digest('hex');
    node.id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
  for (const [key, value] of Object.entries(node)) stableIds(value, `${seed}/${key}`);
}

Converter.convert(
  { type: 'json', data: spec },
  { folderStrategy: 'Tags', parametersResolution: 'Example', optimizeConversion: false },
  (error, result) => {
    if (error || !result.result) {
      console.error(error || result.reason);
      process.exit(1);
    }
    const collection = result.output[0].data;
    const operations = {};
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        operations[operation.summary] = { method: method.toUpperCase(), path, operation };
      }
    }
    for (const folder of collection.item) {
      for (const entry of folder.item) {
        const found = operations[entry.name];
        if (!found) throw new Error(`no operation is named "${entry.name}"`);
        fill(entry.request, found.method, found.path, found.operation);
        entry.event = [{ listen: 'test', script: { type: 'text/javascript', exec: tests(found.method, found.path, found.operation, FEED_MEDIA[feedFormat(found.path)]) } }];
        // The converter's saved responses are faked from the schemas (random dates,
        // "<Error: Too many levels of nesting…>"): sending the request shows a real one.
        entry.response = [];
      }
      folder.item.sort((a, b) => METHOD_ORDER.indexOf(operations[a.name].method) - METHOD_ORDER.indexOf(operations[b.name].method));
    }
    collection.info._postman_id = '6f1d9a52-0c3b-4e8e-9a57-6e65f3d1c2a4';
    collection.variable = [
      { key: 'baseUrl', value: 'http://127.0.0.1:8080', type: 'string', description: 'Where newsdesk runs.' },
      { key: 'bearerToken', value: '', type: 'string', description: 'An editor key: newsdesk keys create --role editor --name NAME' },
    ];
    collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] };
    delete collection.event;
    stableIds(collection, 'newsdesk');
    process.stdout.write(JSON.stringify(collection, null, 2) + '\n');
  },
);
