"""The scaled-out topology, measured by hand (never in CI; run it on a quiet machine).

    cargo build --release && python3 bench/topology.py [ARTICLES]

Starts the topology of tests/topology (primary, Litestream, two replicas with their
followers, Varnish) over a generated corpus (10,000 articles by default), then:

1. reads: the same mixed load (90 % random articles, 10 % list pages) with wrk, once
   through Varnish with two replicas, once against one newsdesk alone (the primary),
   with req/s, p50/p99 and the CPU seconds each process used;
2. Varnish's hit ratio over the read load (varnishstat);
3. replication lag under a write every 100 ms: each write sets a summary to its own
   time on the primary; a reader polls a replica every 5 ms; the lag is the time
   from the write's answer to its value on the replica: p50, p99 and max.

Needs wrk, varnishstat and what tests/topology needs (litestream, sqlite3, varnishd).
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests/topology"))
import topology  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
DURATION = os.environ.get("DURATION", "10")
topology.NEWSDESK = os.environ.get("NEWSDESK_BIN", str(ROOT / "target/release/newsdesk"))

MIX = """
local n = tonumber(os.getenv("ARTICLES"))
math.randomseed(42)
request = function()
  if math.random(10) == 1 then
    return wrk.format("GET", "/v1/articles?limit=" .. math.random(1, 50))
  end
  return wrk.format("GET", "/v1/articles/gen-article-" .. math.random(1, n))
end
done = function(s, lat, req)
  io.write(string.format("RESULT %.0f %.3f %.3f %d\\n", s.requests / s.duration * 1e6,
    lat:percentile(50) / 1000, lat:percentile(99) / 1000,
    s.errors.connect + s.errors.read + s.errors.write + s.errors.status + s.errors.timeout))
end
"""


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def servers():
    """The processes bring_up started and their descendants (varnishd's worker is a
    child), by pid."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    ours = {p.pid for p in topology.processes if p.poll() is None}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in ours} - ours
        grew = bool(more)
        ours |= more
    return {pid: pid for pid in ours}


def load(work, url, label):
    script = work / "mix.lua"
    script.write_text(MIX)
    before = {}
    for name, pid in servers().items():
        try:
            before[name] = cpu_seconds(pid)
        except OSError:
            pass
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{DURATION}s", "-s", str(script), url],
        capture_output=True, text=True, env={**os.environ, "ARTICLES": str(ARTICLES)}, check=True,
    ).stdout
    rps, p50, p99, errors = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    cpu = 0.0
    for name, pid in servers().items():
        try:
            cpu += cpu_seconds(pid) - before.get(name, 0)
        except OSError:
            pass
    print(f"{label}: {rps} req/s, p50 {p50} ms, p99 {p99} ms, {errors} errors; "
          f"server CPU {cpu:.1f} s, {float(rps) * float(DURATION) / max(cpu, 1e-9):,.0f} req per CPU s")


def lag(t):
    _, _, replica = t.replicas[0]
    seen, written, stop = {}, {}, threading.Event()

    def poll():
        while not stop.is_set():
            s, _ = topology.summary(f"http://{replica}/v1/articles/gen-article-1")
            if s.startswith("lag ") and s not in seen:
                seen[s] = time.monotonic()
            time.sleep(0.005)

    reader = threading.Thread(target=poll)
    reader.start()
    for i in range(200):
        value = f"lag {i}"
        status, _, body = topology.request(
            f"http://{t.primary}/v1/articles/gen-article-1", "PATCH",
            {"Authorization": f"Bearer {t.key}", "Content-Type": "application/merge-patch+json"},
            json.dumps({"summary": value}).encode(),
        )
        assert status == 200, body
        written[value] = time.monotonic()
        time.sleep(0.1)
    time.sleep(3)
    stop.set()
    reader.join()
    # A write is on the replica once the replica shows it or any later one: a
    # follower that copies several writes at once applies them all then.
    shown = sorted((int(v.split()[1]), at) for v, at in seen.items())
    lags = []
    for v, w in written.items():
        i = int(v.split()[1])
        applied = [at for j, at in shown if j >= i]
        if applied:
            lags.append((min(applied) - w) * 1000)
    lags.sort()
    q = statistics.quantiles(lags, n=100, method="inclusive")
    print(f"replication lag over {len(lags)} of {len(written)} writes (100 ms apart; "
          f"{len(shown)} distinct states seen on the replica): "
          f"p50 {q[49]:.0f} ms, p99 {q[98]:.0f} ms, max {lags[-1]:.0f} ms")


def bench(work):
    def corpus(db):
        subprocess.run([topology.NEWSDESK, "generate", "--db", str(db), "--articles", str(ARTICLES)],
                       check=True, capture_output=True)

    t = topology.bring_up(work, corpus, ["--rate-limit", "0"])
    stats = lambda: json.loads(subprocess.run(  # noqa: E731
        ["varnishstat", "-n", str(work / "varnish"), "-j", "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss"],
        capture_output=True, text=True, check=True).stdout)["counters"]
    before = stats()
    load(work, t.varnish, "through Varnish, two replicas")
    after = stats()
    hits = after["MAIN.cache_hit"]["value"] - before["MAIN.cache_hit"]["value"]
    misses = after["MAIN.cache_miss"]["value"] - before["MAIN.cache_miss"]["value"]
    print(f"Varnish hit ratio: {hits / max(hits + misses, 1):.1%} ({hits} hits, {misses} misses)")
    load(work, f"http://{t.primary}", "one newsdesk alone (the primary)")
    lag(t)


if __name__ == "__main__":
    topology.main(bench, "bench: done")
