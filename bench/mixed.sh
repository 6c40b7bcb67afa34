#!/usr/bin/env bash
# Reads under writes, by hand (not in CI): a mixed read load at 64 connections with
# the response cache on, first alone, then while an editor PATCHes one article every
# 100 ms. 3,000 distinct URLs: half random articles, a quarter article lists
# filtered by a topic or a participant, a quarter searches. wrk runs on CPU 0, the
# server on CPU 1 (`--workers 1`). Besides throughput and p99 it prints the
# server's CPU time per request (utime+stime from /proc/PID/stat over the requests
# served), which stays meaningful on a busy machine, and every PATCH's latency.
#
#   bench/mixed.sh                       # 10k articles, 10 s a run
#   ARTICLES=1000000 DURATION=20 bench/mixed.sh
#   BIN=/path/to/newsdesk bench/mixed.sh # another build (skips cargo build)
#
# Environment: ARTICLES=10000 DURATION=10 CONNS=64 PORT=18091 CACHE_MB=64
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-10000} DURATION=${DURATION:-10} CONNS=${CONNS:-64}
PORT=${PORT:-18091} CACHE_MB=${CACHE_MB:-64}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --quiet
  BIN=$PWD/target/release/newsdesk
fi
WORK=$(mktemp -d /tmp/newsdesk-mixed.XXXXXX)
SERVER="" EDITOR=""
cleanup() {
  [ -n "$EDITOR" ] && kill "$EDITOR" 2>/dev/null
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
URL=http://127.0.0.1:$PORT

"$BIN" generate --db "$WORK/n.db" --articles "$ARTICLES" --seed 1 >/dev/null
KEY=$("$BIN" keys create --db "$WORK/n.db" --role editor --name bench | tail -1)
NEWSDESK_LOG=warn taskset -c 1 "$BIN" serve --bind "127.0.0.1:$PORT" --db "$WORK/n.db" \
  --workers 1 --rate-limit 0 --response-cache-mb "$CACHE_MB" >"$WORK/server.log" 2>&1 &
SERVER=$!
until curl -sf -o /dev/null "$URL/v1/articles?limit=1"; do sleep 0.02; done

# The 3,000 URLs, from what the corpus holds.
python3 - "$URL" "$ARTICLES" >"$WORK/urls.txt" <<'PY'
import json, random, sys, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
get = lambda p: json.load(urllib.request.urlopen(url + p))
random.seed(1)
topics = [t["id"] for t in get("/v1/topics?limit=100")["data"]]
people = [p["id"] for p in get("/v1/participants?limit=100")["data"]]
words = sorted({w.strip(".,:;'\"()").lower() for a in get("/v1/articles?limit=100&fields=headline,summary")["data"]
                for w in (a["headline"] + " " + a["summary"]).split() if len(w) > 4 and w.isalpha()})
urls = {f"/v1/articles/gen-article-{i}" for i in random.sample(range(1, n + 1), min(n, 1500))}
fields = ["id,headline,published_at,summary", "id,headline", "id,headline,topics", "id,summary"]
lists = set()
for _ in range(100_000):
    if len(lists) >= 750:
        break
    by = random.choice([("topic", topics), ("participant", people)])
    lists.add(f"/v1/articles?{by[0]}={random.choice(by[1])}&limit={random.choice([10, 20])}"
              f"&fields={random.choice(fields)}")
# Words × sizes × fields × orders; a corpus with few distinct words repeats URLs
# rather than looping forever.
searches = set()
for _ in range(100_000):
    if len(searches) >= 750:
        break
    sort = random.choice(["", "&sort=-published_at"])
    searches.add(f"/v1/articles?q={random.choice(words)}&limit={random.choice([10, 20])}"
                 f"&fields={random.choice(fields)}{sort}")
for u in sorted(urls | lists | searches):
    print(u)
PY
cat >"$WORK/mixed.lua" <<'LUA'
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
math.randomseed(os.time())
request = function() return wrk.format("GET", urls[math.random(1, #urls)]) end
done = function(s, lat, req) local e = s.errors
  io.write(string.format("%d %.0f %.3f %.3f %d\n", s.requests, s.requests / s.duration * 1e6,
    lat:percentile(50) / 1000, lat:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout)) end
LUA
export URLS=$WORK/urls.txt
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
HZ=$(getconf CLK_TCK)

# An editor: one merge-patch every 100 ms, each latency in ms on its own line.
editor() {
  local i=0
  while :; do
    i=$((i + 1))
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X PATCH \
      -H "Authorization: Bearer $KEY" -H "Content-Type: application/merge-patch+json" \
      -d "{\"summary\": \"Revised $i.\"}" "$URL/v1/articles/gen-article-$(( (i * 7919) % ARTICLES + 1 ))" \
      >>"$WORK/patches.txt"
    sleep 0.1
  done
}

run() {  # name [with-writes]
  local before after res
  # Warm: every URL twice, so the cache keeps it (it admits on the second miss).
  for _ in 1 2; do
    # No Accept header, as wrk sends none: the cache keys on it.
    sed "s|^|$URL|" "$URLS" | taskset -c 0 xargs -P 16 -n 1 curl -s -o /dev/null -H "Accept:"
  done
  : >"$WORK/patches.txt"
  [ "${2:-}" = writes ] && { editor & EDITOR=$!; }
  before=$(cpu_ticks)
  res=$(taskset -c 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$WORK/mixed.lua" "$URL" 2>/dev/null | tail -1)
  after=$(cpu_ticks)
  [ -n "$EDITOR" ] && { kill "$EDITOR"; wait "$EDITOR" 2>/dev/null || true; EDITOR="";
    cp "$WORK/patches.txt" "$WORK/patches-kept.txt"; }
  read -r requests rps p50 p99 errors <<<"$res"
  local us=$(( (after - before) * 1000000 / HZ / (requests > 0 ? requests : 1) ))
  printf '| %s | %s | %s | %s | %s | %s |' "$1" "$rps" "$p50" "$p99" "$us" "$errors"
  if [ -s "$WORK/patches.txt" ]; then
    sort -k2 -n "$WORK/patches.txt" | awk '{ok += ($1 == 200); t[NR] = $2 * 1000}
      END {p99 = int(NR * 0.99) + 1; if (p99 > NR) p99 = NR
        printf " %d/%d ok; PATCH ms p50 %.1f, p99 %.1f, max %.1f |\n", ok, NR,
        t[int(NR * 0.5) + 1], t[p99], t[NR]}'
  else
    echo " |"
  fi
}

echo "# $(date -u +%FT%TZ) mixed load: $ARTICLES articles, $(wc -l <"$URLS") URLs, wrk -c$CONNS -d${DURATION}s, cache ${CACHE_MB} MB"
echo "| load | req/s | p50 ms | p99 ms | server CPU µs/request | errors | PATCHes |"
echo "|---|---:|---:|---:|---:|---:|---|"
run "reads only"
run "reads + a PATCH every 100 ms" writes
run "reads only, again"
echo
echo "Every PATCH (status:ms), in order:"
awk '{printf "%s:%.1f\n", $1, $2 * 1000}' "$WORK/patches-kept.txt" | paste -sd' ' | fold -w 100 -s
