"""Reads every feed of a live newsdesk with feedparser, as a feed reader would."""

import json
import sys
import urllib.request

import feedparser

BASE = sys.argv[1].rstrip("/")


def get(path):
    with urllib.request.urlopen(BASE + path) as response:
        return response.headers.get("Content-Type"), response.read()


def api_ids(collection):
    _, body = get(f"/v1/{collection}?limit=100")
    return {item["id"] for item in json.loads(body)["data"]}


def check(condition, message):
    if not condition:
        sys.exit(f"feeds: {message}")


for collection in ("articles", "quotes"):
    expected = api_ids(collection)
    kind = collection[:-1]
    for fmt, media, id_of in (
        ("rss", "application/rss+xml", lambda e: e.id),
        ("atom", "application/atom+xml", lambda e: e.id.removeprefix(f"urn:newsdesk:{kind}:")),
    ):
        path = f"/v1/feeds/{collection}.{fmt}?limit=100"
        content_type, body = get(path)
        check(content_type.startswith(media), f"{path}: content type {content_type}")
        feed = feedparser.parse(body)
        check(not feed.bozo, f"{path}: not well-formed: {feed.get('bozo_exception')}")
        check(feed.version in ("rss20", "atom10"), f"{path}: version {feed.version}")
        ids = {id_of(entry) for entry in feed.entries}
        check(ids == expected, f"{path}: ids {sorted(ids)} are not the API's {sorted(expected)}")
        for entry in feed.entries:
            check(entry.get("published_parsed") is not None, f"{path}: {entry.id} has no date")
            check(entry.get("link", "").startswith(BASE), f"{path}: {entry.id} has no link")
            check(entry.get("title"), f"{path}: {entry.id} has no title")
            check(entry.get("content") or entry.get("summary"), f"{path}: {entry.id} is empty")
        self_links = [l for l in feed.feed.get("links", []) if l.get("rel") == "self"]
        check(self_links and self_links[0]["href"].startswith(BASE + f"/v1/feeds/{collection}.{fmt}"), f"{path}: no self link")

    path = f"/v1/feeds/{collection}.json?limit=100"
    content_type, body = get(path)
    check(content_type.startswith("application/feed+json"), f"{path}: content type {content_type}")
    feed = json.loads(body)
    check(feed.get("version") == "https://jsonfeed.org/version/1.1", f"{path}: version")
    check(isinstance(feed.get("title"), str), f"{path}: title")
    check({item["id"] for item in feed["items"]} == expected, f"{path}: ids")
    for item in feed["items"]:
        check("content_html" in item or "content_text" in item, f"{path}: {item['id']} has no content")

print(f"feeds: 6 feeds read by feedparser {feedparser.__version__} and checked")
