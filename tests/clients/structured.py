"""Rights, corrections, quotes and subject codes, read by real processors.

    python tests/clients/structured.py BASE_URL EDITOR_KEY

Publishes an article of its own (with rights, a topic mapped to an IPTC Media
Topic, and a quote), corrects it, then reads it back from the live server:
  - JSON-LD of the article and of the quote: expanded by PyLD (a JSON-LD 1.1
    processor), the expansion parsed into RDF triples by rdflib, and the triples
    checked: copyrightHolder, license, copyrightNotice, correction (a
    CorrectionComment with text and datePublished), a Quotation with creator,
    isPartOf and about, and the IPTC concept in the article's about;
  - ninjs: validated against IPTC's published ninjs 2.2 JSON Schema
    (tests/schemas/ninjs-schema_2.2.json) by the jsonschema package, and checked
    for copyrightholder, copyrightnotice, usageterms and subjects;
  - RSS and Atom: read by feedparser, the channel's copyright and the entry's
    rights and correction (tests/clients/feeds.py reads every feed's structure on
    the fixtures, which carry no rights; this reads what an article of its own has).
Deletes what it made at the end, so it can run again on the same server.

The documents name `https://schema.org` as their context. No registry package
ships schema.org's context document, and the tests reach no other host, so the
loader below answers for it with the context's vocabulary mapping alone
(`@vocab`); that is what makes the terms schema.org IRIs. The coercions the full
context adds (some values as IRIs) are not checked here.
"""

import importlib.metadata
import json
import sys
import urllib.error
import urllib.request

import feedparser
import jsonschema
import rdflib
from pyld import jsonld
from rdflib import RDF, Literal, URIRef

BASE = sys.argv[1].rstrip("/")
KEY = sys.argv[2]
SDO = rdflib.Namespace("https://schema.org/")
IPTC = "http://cv.iptc.org/newscodes/mediatopic/"
SCHEMA_ORG = {"@context": {"@vocab": "https://schema.org/"}}


def fail(message):
    sys.exit(f"structured: {message}")


def call(method, path, body=None, accept="application/json"):
    headers = {"Authorization": f"Bearer {KEY}", "Accept": accept}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            raw = response.read()
    except urllib.error.HTTPError as e:
        fail(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")
    if not raw:
        return None
    return raw if accept.endswith("xml") else json.loads(raw)


def anonymous(path):
    with urllib.request.urlopen(BASE + path) as response:
        return response.read()


def load_document(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG}
    fail(f"JSON-LD names a context other than schema.org: {url}")


def graph_of(path):
    """The JSON-LD at `path`, as anyone reads it, expanded by PyLD and parsed by rdflib."""
    document = json.loads(anonymous(path + "?format=jsonld"))
    expanded = jsonld.expand(document, {"documentLoader": load_document})
    graph = rdflib.Graph().parse(data=json.dumps(expanded), format="json-ld")
    return URIRef(document["@id"]), graph


def one(graph, subject, predicate, what):
    values = list(graph.objects(subject, predicate))
    if not values:
        fail(f"{subject}: no {what}")
    return values


ARTICLE = {
    "headline": "Belarus and Kazakhstan sign a grain corridor agreement",
    "dateline": {"place": "Astana", "date": "2024-07-05"},
    "status": "published",
    "topics": ["sco-membership"],
    "participants": ["aleksandr-lukashenko"],
    "events": ["sco-summit-astana-2024"],
    "rights": {
        "copyright_holder": "Belta Wire",
        "copyright_notice": "© 2024 Belta Wire",
        "usage_terms": "Partners may republish with attribution.",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "body": [{"type": "paragraph", "text": "The agreement opens a corridor for grain."}],
}
CORRECTION = "An earlier version named the wrong city."

created = call("POST", "/v1/articles", ARTICLE)["data"]
article_id = created["id"]
quote_id = None
try:
    quote = call("POST", "/v1/quotes", {
        "text": "This corridor feeds both our peoples",
        "speaker": "aleksandr-lukashenko",
        "article": article_id,
        "event": "sco-summit-astana-2024",
        "said_on": "2024-07-05",
    })["data"]
    quote_id = quote["id"]
    call("PATCH", f"/v1/articles/{article_id}", {"summary": "A grain corridor.",
                                                 "correction_note": CORRECTION})

    # JSON-LD of the article.
    subject, graph = graph_of(f"/v1/articles/{article_id}")
    if (subject, RDF.type, SDO.NewsArticle) not in graph:
        fail(f"{subject} is not a NewsArticle")
    holders = one(graph, subject, SDO.copyrightHolder, "copyrightHolder")
    if not any((h, SDO.name, Literal("Belta Wire")) in graph for h in holders):
        fail("copyrightHolder is not named Belta Wire")
    licences = [str(v) for v in one(graph, subject, SDO.license, "license")]
    if licences != [ARTICLE["rights"]["license_url"]]:
        fail(f"license {licences}")
    notices = [str(v) for v in one(graph, subject, SDO.copyrightNotice, "copyrightNotice")]
    if notices != [ARTICLE["rights"]["copyright_notice"]]:
        fail(f"copyrightNotice {notices}")
    corrections = one(graph, subject, SDO.correction, "correction")
    if not any((c, RDF.type, SDO.CorrectionComment) in graph
               and (c, SDO.text, Literal(CORRECTION)) in graph
               and list(graph.objects(c, SDO.datePublished)) for c in corrections):
        fail("no CorrectionComment with the correction's text and a datePublished")
    subjects = [str(v) for v in one(graph, subject, SDO.about, "about")]
    if not any(s.startswith(IPTC) for s in subjects):
        fail(f"about has no IPTC Media Topic: {subjects}")

    # JSON-LD of the quote.
    subject, graph = graph_of(f"/v1/quotes/{quote_id}")
    if (subject, RDF.type, SDO.Quotation) not in graph:
        fail(f"{subject} is not a Quotation")
    creator = one(graph, subject, SDO.creator, "creator")[0]
    if not ({(creator, RDF.type, SDO.Person), (creator, RDF.type, SDO.Organization)} & set(graph)):
        fail("the quote's creator is neither a Person nor an Organization")
    if (creator, SDO.name, Literal("Aleksandr Lukashenko")) not in graph:
        fail("the quote's creator is not named")
    part_of = one(graph, subject, SDO.isPartOf, "isPartOf")[0]
    if not str(part_of).endswith(f"/v1/articles/{article_id}"):
        fail(f"isPartOf {part_of}")
    about = one(graph, subject, SDO.about, "about")[0]
    if (about, RDF.type, SDO.Event) not in graph:
        fail("the quote is not about an Event")

    # ninjs, against the published schema.
    ninjs = json.loads(anonymous(f"/v1/articles/{article_id}?format=ninjs"))
    with open("tests/schemas/ninjs-schema_2.2.json") as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(ninjs), key=lambda e: list(e.path))
    if errors:
        fail("ninjs is not valid ninjs 2.2: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors))
    for field, expected in (("copyrightholder", "Belta Wire"),
                            ("copyrightnotice", "© 2024 Belta Wire"),
                            ("usageterms", ARTICLE["rights"]["usage_terms"])):
        if ninjs.get(field) != expected:
            fail(f"ninjs {field}: {ninjs.get(field)!r}")
    if not any(s.get("uri", "").startswith(IPTC) for s in ninjs.get("subjects", [])):
        fail(f"ninjs subjects have no IPTC Media Topic: {ninjs.get('subjects')}")

    # The feeds, newest item only: this article, so the channel shares its rights.
    for fmt, version in (("rss", "rss20"), ("atom", "atom10")):
        path = f"/v1/feeds/articles.{fmt}?limit=1"
        feed = feedparser.parse(anonymous(path))
        if feed.bozo or feed.version != version:
            fail(f"{path}: not {version}: {feed.get('bozo_exception')}")
        entry = feed.entries[0]
        if article_id not in entry.id:
            fail(f"{path}: the newest entry is {entry.id}")
        if fmt == "rss" and feed.feed.get("rights") != "© 2024 Belta Wire":
            fail(f"{path}: channel copyright {feed.feed.get('rights')!r}")
        if entry.get("rights") != "© 2024 Belta Wire":
            fail(f"{path}: entry rights {entry.get('rights')!r}")
        content = " ".join(c.value for c in entry.get("content", []))
        if "correction" not in content or CORRECTION not in content:
            fail(f"{path}: the entry does not print the correction")
finally:
    if quote_id:
        call("DELETE", f"/v1/quotes/{quote_id}")
    call("DELETE", f"/v1/articles/{article_id}")

versions = {name: importlib.metadata.version(name)
            for name in ("PyLD", "rdflib", "jsonschema", "feedparser")}
print(f"structured: JSON-LD expanded by PyLD {versions['PyLD']} and read by rdflib"
      f" {versions['rdflib']}, ninjs valid by jsonschema {versions['jsonschema']}, RSS and Atom"
      f" read by feedparser {versions['feedparser']}: rights, corrections, quotes, IPTC subjects")
