"""Validates the sitemaps of a live newsdesk with lxml against the XML schemas in
tests/schemas/: the index, every page it names, and the Google News sitemap (with a
fresh article in it, deleted again afterwards).

    sitemaps.py BASE EDITOR_KEY
"""

import json
import pathlib
import sys
import urllib.request

from lxml import etree

BASE = sys.argv[1].rstrip("/")
KEY = sys.argv[2]
SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "schemas"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def schema(*files):
    """One schema importing each of `files` under its own target namespace."""
    imports = "".join(
        f'<xsd:import namespace="{etree.parse(str(SCHEMAS / f)).getroot().get("targetNamespace")}"'
        f' schemaLocation="{(SCHEMAS / f).as_uri()}"/>'
        for f in files
    )
    driver = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
    return etree.XMLSchema(etree.fromstring(driver.encode()))


def fetch(path, method="GET", body=None):
    request = urllib.request.Request(BASE + path, method=method, data=body)
    if body is not None or method != "GET":
        request.add_header("Authorization", f"Bearer {KEY}")
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type"), response.read()


def valid(path, against):
    media, body = fetch(path)
    if not media.startswith("application/xml"):
        sys.exit(f"sitemaps: {path} is {media}")
    doc = etree.fromstring(body)
    if not against.validate(doc):
        sys.exit(f"sitemaps: {path} is invalid: {against.error_log}")
    return doc


index_schema = schema("siteindex.xsd")
page_schema = schema("sitemap.xsd")
news_schema = schema("sitemap.xsd", "sitemap-news.xsd")

index = valid("/sitemap.xml", index_schema)
pages = [loc.text for loc in index.iter(f"{SM}loc")]
urls = []
for page in pages:
    urls += [loc.text for loc in valid(page.removeprefix(BASE), page_schema).iter(f"{SM}loc")]
_, listed = fetch("/v1/articles?limit=100")
public = {a["id"] for a in json.loads(listed)["data"]}
if {u.rsplit("/", 1)[1] for u in urls} != public:
    sys.exit(f"sitemaps: the pages list {urls}, the API {public}")

article = {
    "headline": "Sitemap check",
    "dateline": {"date": "2024-07-06"},
    "body": [{"type": "paragraph", "text": "A fresh article for the news sitemap."}],
}
_, created = fetch("/v1/articles", "POST", json.dumps(article).encode())
fresh = json.loads(created)["data"]["id"]
try:
    news = valid("/sitemap-news.xml", news_schema)
    if not any(loc.text.endswith("/" + fresh) for loc in news.iter(f"{SM}loc")):
        sys.exit("sitemaps: the fresh article is not in the news sitemap")
finally:
    fetch(f"/v1/articles/{fresh}", "DELETE")
print(f"sitemaps: index, {len(pages)} page(s) of {len(urls)} articles and the news sitemap are schema-valid")
