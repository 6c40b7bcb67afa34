"""A WebSub round trip through a hub that someone else wrote.

Runs Flask-WebSub's hub (PyPI: Flask-WebSub, with Celery running its tasks in
process) and a subscriber on loopback, starts a newsdesk told of that hub
(`--websub-hub`), and checks, as WebSub 1.0 (W3C) describes:
  1. discovery: the feeds name the hub and themselves (`Link` header, and the body);
  2. subscription: the subscriber asks the hub, the hub verifies its intent (the
     challenge), and the subscription holds;
  3. distribution: a publication on newsdesk pings the hub, the hub fetches the
     feed and delivers it, signed with the subscriber's secret, to the subscriber,
     whose copy (read with feedparser) holds the new article.

    python tests/clients/websub.py target/debug/newsdesk
"""

import gzip
import hashlib
import hmac
import json
import logging
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
from celery import Celery
from flask import Flask
from flask_websub.hub import Hub, SQLite3HubStorage
from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise

BINARY = sys.argv[1]
TIMEOUT = 60  # seconds any one expected event may take; polls, never sleeps blindly
SECRET = "websub-round-trip-secret"


def fail(message):
    sys.exit(f"websub: {message}")


def serve_in_background(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start_hub(directory):
    """Flask-WebSub's hub on a port the kernel picks. Its tasks run in process
    (Celery's eager mode), so no broker is needed."""
    celery = Celery("hub")
    celery.conf.task_always_eager = True
    celery.conf.task_eager_propagates = True
    app = Flask("hub")
    app.config["PUBLISH_SUPPORTED"] = True  # accept hub.mode=publish pings
    hub = Hub(SQLite3HubStorage(os.path.join(directory, "hub.db")), celery, **app.config)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    server = serve_in_background(make_server("127.0.0.1", 0, app, threaded=True))
    return f"http://127.0.0.1:{server.server_port}/hub"


class Subscriber(BaseHTTPRequestHandler):
    """Answers the hub's verification of intent, and records what it is sent."""

    verified = queue.Queue()
    delivered = queue.Queue()

    def do_GET(self):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        if query.get("hub.mode") != "subscribe" or "hub.challenge" not in query:
            self.send_error(404)
            return
        body = query["hub.challenge"].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.verified.put(query["hub.topic"])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.delivered.put((self.path, self.headers, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_newsdesk(directory, hub):
    log = open(os.path.join(directory, "server.log"), "w+")
    server = subprocess.Popen(
        [BINARY, "serve", "--bind", "127.0.0.1:0", "--db", os.path.join(directory, "newsdesk.db"),
         "--rate-limit", "0", "--log-format", "json", "--websub-hub", hub],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            fail("newsdesk exited:\n" + log.read())
        log.seek(0)
        for line in log:
            try:
                fields = json.loads(line).get("fields", {})
            except ValueError:
                continue
            if fields.get("message") == "serving":
                base = f"http://{fields['address']}"
                try:
                    urllib.request.urlopen(base + "/readyz")
                    return server, base
                except OSError:
                    break
        time.sleep(0.1)
    server.kill()
    fail("newsdesk did not become ready")


def discover(url):
    """WebSub discovery from the `Link` header: (hub, self)."""
    with urllib.request.urlopen(url) as response:
        header = response.headers.get("Link", "")
        body = response.read().decode()
    links = dict((rel, href) for href, rel in re.findall(r'<([^>]+)>;\s*rel="([^"]+)"', header))
    if "hub" not in links or "self" not in links:
        fail(f"{url}: no hub and self in the Link header {header!r}")
    if links["hub"] not in body or links["self"].replace("&", "&amp;") not in body:
        fail(f"{url}: the body does not name the hub and itself")
    return links["hub"], links["self"]


def post_form(url, fields):
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST")) as r:
        return r.status


def wait(q, what):
    try:
        return q.get(timeout=TIMEOUT)
    except queue.Empty:
        fail(f"never: {what}")


def body_of(headers, body):
    # Flask-WebSub passes the feed's response headers on with the body it read,
    # `Content-Encoding` included, though `requests` has already decoded the body.
    if headers.get("Content-Encoding") == "gzip" and body[:2] == b"\x1f\x8b":
        return gzip.decompress(body)
    return body


def main():
    directory = tempfile.mkdtemp(prefix="websub-")
    hub = start_hub(directory)
    subscriber = serve_in_background(ThreadingHTTPServer(("127.0.0.1", 0), Subscriber))
    callback = f"http://127.0.0.1:{subscriber.server_port}/callback"
    server, base = start_newsdesk(directory, hub)
    try:
        # 1. Discovery, of a plain feed and of one filtered on a topic.
        topics = {}
        for path in ("/v1/feeds/articles.atom", "/v1/feeds/articles.rss?topic=food-security"):
            found_hub, own = discover(base + path)
            if found_hub != hub:
                fail(f"{path}: hub {found_hub}, not {hub}")
            if own != base + path:
                fail(f"{path}: self {own}")
            topics[own] = path
        # 2. Subscription, with intent verified by the hub.
        for topic in topics:
            status = post_form(hub, {"hub.mode": "subscribe", "hub.topic": topic,
                                     "hub.callback": callback, "hub.secret": SECRET})
            if status != 202:
                fail(f"the hub answered {status} to the subscription")
            verified = wait(Subscriber.verified, "the hub verifies the subscriber's intent")
            if verified != topic:
                fail(f"verified {verified}, subscribed {topic}")
        # 3. A publication: newsdesk pings the hub, which delivers the feeds.
        key = subprocess.run(
            [BINARY, "keys", "create", "--db", os.path.join(directory, "newsdesk.db"),
             "--role", "editor", "--name", "websub"],
            check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        article = {
            "headline": "Belarus ships grain to the SCO food reserve",
            "dateline": {"place": "Minsk", "date": "2024-07-08"},
            "status": "published",
            "topics": ["food-security"],
            "body": [{"type": "paragraph", "text": "The first shipment left on Monday."}],
        }
        request = urllib.request.Request(
            base + "/v1/articles", data=json.dumps(article).encode(), method="POST",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            created = json.load(response)["data"]["id"]
        pending = set(topics)
        while pending:
            _, headers, raw = wait(Subscriber.delivered, f"the hub delivers {sorted(pending)}")
            algorithm, _, digest = headers.get("X-Hub-Signature", "").partition("=")
            expected = hmac.new(SECRET.encode(), raw, getattr(hashlib, algorithm or "sha1")).hexdigest()
            if not hmac.compare_digest(digest, expected):
                fail("a delivery's X-Hub-Signature is not the HMAC of its body")
            links = dict((rel, href) for href, rel in
                         re.findall(r'<([^>]+)>;\s*rel="([^"]+)"', headers.get("Link", "")))
            topic = links.get("self")
            feed = feedparser.parse(body_of(headers, raw))
            if feed.bozo:
                fail(f"{topic}: the delivered feed is not well-formed: {feed.bozo_exception}")
            ids = [e.id.removeprefix("urn:newsdesk:article:") for e in feed.entries]
            if created in ids:
                pending.discard(topic)
        print(f"websub: {len(topics)} feeds discovered, subscribed through Flask-WebSub's hub,"
              f" and delivered with the new article {created}")
    finally:
        server.terminate()
        server.wait(timeout=TIMEOUT)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
