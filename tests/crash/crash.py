#!/usr/bin/env python3
"""Crash test: kill -9 newsdesk under a write storm, restart it, and check it.

Several clients write at once (creates, PATCHes and deletes of participants,
articles and quotes, and webhook registrations), each in ids of its own, and
remember every write acknowledged with a 2xx. At a moment drawn from a seeded PRNG
the server is killed with SIGKILL. Then, with the server down, `newsdesk check`
must pass (SQLite integrity, references, FTS5 integrity-check of every index, a
change log without gaps that agrees with the content, webhook outbox positions);
after a restart every acknowledged write must be served in its acknowledged version
(a write in flight at the kill may be there or not, but whole), the change log must
replay into a mirror equal to the API, and every webhook must receive every change
in order, none lost (a change may come twice: delivery is at least once).

    tests/crash/crash.py --binary target/debug/newsdesk --kills 5 --seed 1   # tests/run
    tests/crash/crash.py --binary target/release/newsdesk --kills 20          # by hand

Only the Python standard library is used. Exit status 0 when every check passed.
"""

import argparse
import http.client
import http.server
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

FIXTURE_ARTICLE = "lukashenko-at-sco-summit-astana"
SPEAKER = "aleksandr-lukashenko"
MAX_WEBHOOKS = 4
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """A keep-alive HTTP client of one server; None on a connection failure."""

    def __init__(self, port, key=None):
        self.port, self.key, self.conn = port, key, None

    def call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = (
                "application/merge-patch+json" if method == "PATCH" else "application/json"
            )
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=data, headers=headers)
            reply = self.conn.getresponse()
            raw = reply.read()
            return reply.status, (json.loads(raw) if raw else None)
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return None


class Receiver:
    """Webhook deliveries, in arrival order: (webhook id, seq)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with outer.lock:
                    outer.received.append((body["webhook"], body["change"]["seq"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


class Expected:
    """What each resource must look like: its last acknowledged state (None: absent),
    and while a write to it is unacknowledged, what that write asked for."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}  # path -> data or None
        self.pending = {}  # path -> (method, body)


def storm(*args):
    try:
        storm_until_stopped(*args)
    except Exception as e:  # noqa: BLE001 - a client's own fault must fail the run
        fail(f"client: {e!r}")


def storm_until_stopped(api, rng, client, stop, expected, state, receiver):
    """One client's writes until the server dies or `stop` is set."""
    while not stop.is_set():
        k = rng.randrange(6)
        kind = rng.choice(["participant", "participant", "article", "quote", "quote", "webhook"])
        n = rng.randrange(1_000_000)
        if kind == "webhook":
            with state["lock"]:
                if state["webhooks"] >= MAX_WEBHOOKS:
                    continue
                state["webhooks"] += 1
            reply = api.call("POST", "/v1/webhooks", {"url": receiver.url})
            if reply is None:
                return
            if reply[0] == 201:
                with state["lock"]:
                    state["hooks"][reply[1]["data"]["id"]] = reply[1]["data"]["delivery"]["next_seq"]
            continue
        path = f"/v1/{kind}s/c{client}-{kind[0]}{k}"
        op = rng.choice(["PUT", "PUT", "PATCH", "PATCH", "DELETE"])
        if kind == "participant":
            body = {"kind": "person", "name": f"Person {n}"} if op == "PUT" else {"title": f"Title {n}"}
        elif kind == "article":
            body = (
                {
                    "headline": f"Story {n}",
                    "dateline": {"date": "2024-07-05"},
                    "status": "published",
                    "published_at": "2024-07-05T10:00:00Z",
                    "summary": f"Summary {n}",
                    "participants": ["belarus"],
                    "body": [{"type": "paragraph", "text": f"Text {n}."}],
                }
                if op == "PUT"
                else {"summary": f"Corrected {n}", "correction_note": "Fixed."}
            )
        else:
            body = (
                {"text": f"Said {n}", "speaker": SPEAKER, "article": FIXTURE_ARTICLE, "said_on": "2024-07-05"}
                if op == "PUT"
                else {"text": f"Said again {n}"}
            )
        if op == "DELETE":
            body = None
        with expected.lock:
            expected.pending[path] = (op, body)
        reply = api.call(op, path, body)
        if reply is None:
            return  # killed: the write stays pending
        status, answer = reply
        with expected.lock:
            del expected.pending[path]
            if status in (200, 201):
                expected.acked[path] = answer["data"]
            elif status == 204:
                expected.acked[path] = None
            elif status >= 500:
                fail(f"{op} {path}: {status} {answer}")


def subset(sent, served):
    """Whether what was sent is in what is served (objects field by field; lists and
    write-only fields such as `correction_note` are served in another shape)."""
    if isinstance(sent, dict):
        return isinstance(served, dict) and all(
            k == "correction_note" or subset(v, served.get(k)) for k, v in sent.items()
        )
    return isinstance(sent, list) or sent == served


def matches(data, method, body):
    """Whether `data` (None: absent) is what the unacknowledged write asked for."""
    if method == "DELETE":
        return data is None
    return data is not None and subset(body, data)


def verify(api, expected):
    """Every acknowledged write is served as acknowledged; a pending one whole or not at all."""
    checked = 0
    for path in sorted(set(expected.acked) | set(expected.pending)):
        reply = api.call("GET", path)
        if reply is None:
            fail(f"GET {path}: no answer")
            continue
        status, answer = reply
        served = answer["data"] if status == 200 else None
        if status not in (200, 404):
            fail(f"GET {path}: {status}")
            continue
        acked = expected.acked.get(path)
        if served != acked:
            pending = expected.pending.get(path)
            if pending is None or not matches(served, *pending):
                fail(f"{path}: acknowledged {json.dumps(acked)[:200]}, served {json.dumps(served)[:200]}")
        expected.acked[path] = served
        checked += 1
    expected.pending.clear()
    return checked


def walk(api, path):
    items, url = [], f"{path}?limit=100"
    while True:
        status, page = api.call("GET", url)
        assert status == 200, (url, status)
        items.extend(page["data"])
        cursor = page["page"].get("next_cursor")
        if not cursor:
            return items
        url = f"{path}?limit=100&cursor={cursor}"


def mirror_equals_api(api):
    """Replays the change log from the start and compares it with the collections."""
    copy, since, last = {}, None, 0
    while True:
        url = "/v1/changes?limit=100" + (f"&since={since}" if since else "")
        status, page = api.call("GET", url)
        assert status == 200, (url, status, page)
        for entry in page["data"]:
            if entry["seq"] <= last:
                fail(f"change log out of order at seq {entry['seq']}")
            last = entry["seq"]
            key = (entry["type"], entry["id"])
            if entry["tombstone"]:
                copy.pop(key, None)
            else:
                copy[key] = entry["data"]
        since = page["page"]["next_cursor"]
        if not page["page"]["more"]:
            break
    served = {}
    for kind in ["article", "quote", "participant", "event"]:
        for item in walk(api, f"/v1/{kind}s"):
            served[(kind, item["id"])] = item
    if copy != served:
        missing = sorted(set(served) - set(copy))[:5]
        extra = sorted(set(copy) - set(served))[:5]
        differ = sorted(k for k in set(copy) & set(served) if copy[k] != served[k])[:5]
        fail(f"mirror != API: missing {missing}, extra {extra}, different {differ}")
    return last


def delivered(receiver, hooks):
    """Per webhook: the highest seq received in an unbroken run from its start, and how
    many deliveries repeated one already received. A seq that skips ahead fails."""
    with receiver.lock:
        got = list(receiver.received)
    high, repeated = {}, 0
    for hook, start in hooks.items():
        high[hook] = start - 1
        for h, seq in got:
            if h != hook:
                continue
            if seq == high[hook] + 1:
                high[hook] = seq
            elif seq <= high[hook]:
                repeated += 1
            else:
                fail(f"webhook {hook}: seq {seq} arrived before {high[hook] + 1} (lost or reordered)")
                break
    return high, repeated


def deliveries_resume(api, receiver, hooks, last_seq, deadline):
    """After the last restart, every webhook's deliveries go on from where the outbox
    says they stopped, in order and without a gap, until they reach the end of the log
    (or the deadline: delivery commits one position at a time and may lag)."""
    at_restart, _ = delivered(receiver, hooks)
    while time.monotonic() < deadline:
        high, _ = delivered(receiver, {h: s for h, s in hooks.items()})
        if all(high[h] >= last_seq for h in hooks):
            break
        time.sleep(0.2)
    # Positions first: a delivery is received before its position advances.
    positions = {h: api.call("GET", f"/v1/webhooks/{h}")[1]["data"]["delivery"]["next_seq"]
                 for h in hooks}
    high, repeated = delivered(receiver, hooks)
    for hook, position in positions.items():
        # The outbox never runs ahead of what the receiver has.
        if position - 1 > high[hook]:
            fail(f"webhook {hook}: the outbox is at {position}, but only up to {high[hook]} arrived")
        if high[hook] < last_seq and high[hook] <= at_restart[hook]:
            fail(f"webhook {hook}: no delivery after the restart (stuck at {high[hook]})")
    behind = sum(1 for h in hooks if high[h] < last_seq)
    return repeated, behind


class Server:
    def __init__(self, binary, db, log):
        self.binary, self.db, self.log = binary, db, log
        self.process = None

    def start(self):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(NEWSDESK_LOG="warn", NO_PROXY="127.0.0.1")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--bind", f"127.0.0.1:{self.port}", "--db", self.db,
             "--rate-limit", "0", "--webhook-retry", "1"],
            stdout=self.log, stderr=self.log, env=env,
        )
        api = Api(self.port)
        for _ in range(300):
            if self.process.poll() is not None:
                sys.exit(f"the server exited with {self.process.returncode}; see {self.log.name}")
            reply = api.call("GET", "/readyz")
            if reply and reply[0] == 200:
                return
            time.sleep(0.05)
        sys.exit("the server did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def check_file(binary, db):
    out = subprocess.run([binary, "check", "--db", db], capture_output=True, text=True)
    if out.returncode != 0:
        fail("newsdesk check:\n" + out.stdout + out.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="target/debug/newsdesk")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--catch-up", type=float, default=10,
                        help="seconds webhooks get to reach the end of the log at the end")
    parser.add_argument("--max-storm", type=float, default=1.5, help="longest seconds before a kill")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="newsdesk-crash-")
    db = os.path.join(work, "newsdesk.db")
    log = open(os.path.join(work, "server.log"), "w")
    binary = os.path.abspath(args.binary)
    key = subprocess.run(
        [binary, "keys", "create", "--db", db, "--role", "editor", "--name", "crash"],
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[-1]
    receiver = Receiver()
    expected = Expected()
    state = {"lock": threading.Lock(), "webhooks": 0, "hooks": {}}
    client_rngs = [random.Random(rng.random()) for _ in range(args.clients)]
    server = Server(binary, db, log)
    started = time.monotonic()
    acked_total = 0
    server.start()
    for round_ in range(1, args.kills + 1):
        stop = threading.Event()
        threads = [
            threading.Thread(target=storm, args=(Api(server.port, key), client_rngs[c], c, stop,
                                                 expected, state, receiver))
            for c in range(args.clients)
        ]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.2, args.max_storm))
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        check_file(binary, db)
        server.start()
        in_flight = len(expected.pending)
        checked = verify(Api(server.port, key), expected)
        for hook in state["hooks"]:
            reply = Api(server.port, key).call("GET", f"/v1/webhooks/{hook}")
            if reply is None or reply[0] != 200:
                fail(f"acknowledged webhook {hook} is gone: {reply}")
        acked_total = checked
        print(f"kill {round_}: {checked} resources as acknowledged "
              f"({in_flight} writes were in flight), {len(state['hooks'])} webhooks", flush=True)
    # After the last restart: the log replays into the API, and webhooks catch up.
    last_seq = mirror_equals_api(Api(server.port))
    redelivered, behind = deliveries_resume(
        Api(server.port, key), receiver, state["hooks"], last_seq, time.monotonic() + args.catch_up
    )
    server.process.terminate()
    server.process.wait()
    check_file(binary, db)
    elapsed = time.monotonic() - started
    print(f"{args.kills} kills in {elapsed:.1f} s: {acked_total} resources checked, "
          f"change log at seq {last_seq}, {len(state['hooks'])} webhooks "
          f"({redelivered} deliveries repeated after a kill, {behind} still catching up "
          f"after {args.catch_up} s)")
    if failures:
        print(f"{len(failures)} failure(s); the database and log are in {work}")
        sys.exit(1)
    subprocess.run(["rm", "-rf", work])
    print("crash test passed")


if __name__ == "__main__":
    main()
