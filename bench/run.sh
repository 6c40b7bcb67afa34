#!/usr/bin/env bash
# Benchmarks newsdesk, by hand (not in CI): builds the release binary, generates
# synthetic corpora, and loads each endpoint with wrk, the load generator pinned to
# CPU 0 and the server to CPU 1, so figures are per core. Then runs the shared peer
# benchmark (nginx, Datasette, json-server) with our server on the same machine.
#
#   bench/run.sh                     # 10k and 1M articles, then the peers
#   SIZES=10000 PEERS=0 bench/run.sh # a quick run
#
# Environment: SIZES="10000 1000000" DURATION=10 CONNS=64 ROUNDS=3 PEERS=1
#   PEERS_SCRIPT=../shared/bench/peers.sh
# Results go to bench/results/<date>.txt; bench/README.md summarizes them.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 1000000"} DURATION=${DURATION:-10} CONNS=${CONNS:-64} ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-1} PEERS_SCRIPT=${PEERS_SCRIPT:-../shared/bench/peers.sh}
PORT=${PORT:-18090}
have() { command -v "$1" >/dev/null 2>&1; }
if ! have wrk || ! have taskset || ! have curl; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk util-linux curl >/dev/null
fi

cargo build --release --locked --quiet
BIN=$PWD/target/release/newsdesk
WORK=$(mktemp -d /tmp/newsdesk-bench.XXXXXX)
mkdir -p bench/results
OUT=bench/results/$(date -u +%F).txt
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

log() { echo "$*" | tee -a "$OUT"; }
log "# $(date -u +%FT%TZ) $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem:/{print $2}') GiB"
log "# wrk -t1 -c$CONNS -d${DURATION}s, $ROUNDS rounds; server on CPU 1 (--workers 1), wrk on CPU 0"

cat >"$WORK/report.lua" <<'LUA'
done = function(s, lat, req) local e = s.errors
  io.write(string.format("%.0f %.3f %.3f %d\n", s.requests / s.duration * 1e6, lat:percentile(50) / 1000,
    lat:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout)) end
LUA
# wrk takes one script: the ones below end with report.lua's `done`.
# A random article per request: every request misses any cache.
cat >"$WORK/random.lua" <<'LUA'
local n = tonumber(os.getenv("ARTICLES"))
math.randomseed(os.time())
request = function() return wrk.format("GET", "/v1/articles/gen-article-" .. math.random(1, n)) end
LUA
# 90 % reads of random articles, 10 % merge-patches of one of them.
cat >"$WORK/writes.lua" <<'LUA'
local n, key = tonumber(os.getenv("ARTICLES")), os.getenv("KEY")
local i = 0
math.randomseed(os.time())
request = function()
  i = i + 1
  local id = "gen-article-" .. math.random(1, n)
  if i % 10 == 0 then
    return wrk.format("PATCH", "/v1/articles/" .. id, {["Authorization"] = "Bearer " .. key,
      ["Content-Type"] = "application/merge-patch+json"}, '{"summary": "Revised at ' .. i .. '."}')
  end
  return wrk.format("GET", "/v1/articles/" .. id)
end
LUA
cat "$WORK/report.lua" >>"$WORK/random.lua"
cat "$WORK/report.lua" >>"$WORK/writes.lua"

load() {  # name path [extra wrk args...]
  local name=$1 path=$2; shift 2
  local res
  res=$(taskset -c 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 5s "$@" \
      "http://127.0.0.1:$PORT$path" 2>/dev/null | tail -1)
  log "$N $name $round $res"
}
rss_kb() { awk "/^$1:/{print \$2}" "/proc/$SERVER/status"; }

FIELDS="fields=id,headline,published_at,summary"
for N in $SIZES; do
  db=$WORK/n$N.db
  start=$(date +%s.%N)
  "$BIN" generate --db "$db" --articles "$N" --seed 1 >/dev/null
  log "# $N articles: generated in $(echo "$(date +%s.%N) - $start" | bc) s, $(du -m "$db" | cut -f1) MB"
  KEY=$("$BIN" keys create --db "$db" --role editor --name bench | tail -1)
  export ARTICLES=$N KEY
  sync; sleep 1
  t0=$(date +%s%N)
  NEWSDESK_LOG=warn taskset -c 1 "$BIN" serve --bind "127.0.0.1:$PORT" --db "$db" --workers 1 \
      --rate-limit 0 >"$WORK/server.log" 2>&1 &
  SERVER=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/articles/gen-article-1"; do sleep 0.002; done
  log "# $N articles: cold start to first 200: $(( ($(date +%s%N) - t0) / 1000000 )) ms; idle RSS $(( $(rss_kb VmRSS) / 1024 )) MB"
  tag=$(curl -sI "http://127.0.0.1:$PORT/v1/articles/gen-article-123" | awk -F': ' 'tolower($1)=="etag"{print $2}' | tr -d '\r')
  topic=$(curl -s "http://127.0.0.1:$PORT/v1/articles/gen-article-1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["topics"][0])')
  log "# articles endpoint round req/s p50_ms p99_ms errors"
  for round in $(seq "$ROUNDS"); do
    load row-hot /v1/articles/gen-article-123 -s "$WORK/report.lua"
    load row-random / -s "$WORK/random.lua"
    load list "/v1/articles?limit=20&$FIELDS" -s "$WORK/report.lua"
    load list-filtered "/v1/articles?limit=20&topic=$topic&$FIELDS" -s "$WORK/report.lua"
    load search "/v1/articles?q=harbour&limit=20&$FIELDS" -s "$WORK/report.lua"
    load feed /v1/feeds/articles.rss -s "$WORK/report.lua"
    load revalidate-304 /v1/articles/gen-article-123 -H "If-None-Match: $tag" -s "$WORK/report.lua"
    load write-mix / -s "$WORK/writes.lua"
  done
  log "# $N articles: RSS after load $(( $(rss_kb VmRSS) / 1024 )) MB, peak $(( $(rss_kb VmHWM) / 1024 )) MB"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
done

if [ "$PEERS" = 1 ]; then
  db=$WORK/peers.db
  "$BIN" generate --db "$db" --articles 10000 --seed 1 >/dev/null
  # peers.sh pins its load generator to CPU 0 and the servers to the others.
  DURATION=$DURATION CONNS=$CONNS ROUNDS=$ROUNDS PORT=$PORT bash "$PEERS_SCRIPT" \
    "NEWSDESK_LOG=warn $BIN serve --bind 127.0.0.1:\$PORT --db $db --rate-limit 0" \
    row=/v1/articles/gen-article-123 \
    list="/v1/articles?limit=20&$FIELDS" \
    search="/v1/articles?q=harbour&limit=20&$FIELDS" | tee -a "$OUT"
fi
echo "results in $OUT"
