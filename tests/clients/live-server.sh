# A live server for the real clients, sourced by tests/run and tests/clients/explore.
#   start_server DIR   serve a fresh database in DIR on a port the kernel picks; sets
#                      base, server, editor_key and the NEWSDESK_* pins that
#                      tests/clients/schemathesis.toml reads
#   stop_server        stop it (SIGTERM) and wait for it to exit
# Needs target/debug/newsdesk built.

start_server() {
    local dir=$1
    # Port 0: the kernel picks a free port when the server binds, so no other process
    # can take it between a probe and the bind; the address comes from the log.
    # The clients below subscribe webhooks to made-up URLs: the proxy (a closed port
    # here) keeps every delivery attempt on this machine.
    ALL_PROXY=http://127.0.0.1:9 NO_PROXY= no_proxy= \
        target/debug/newsdesk serve --bind 127.0.0.1:0 --db "$dir/newsdesk.db" \
        --rate-limit 0 --log-format json >"$dir/server.log" 2>&1 &
    server=$!
    base=$(python3 - "$dir/server.log" "$server" <<'PY'
import json, os, sys, time, urllib.request
log, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
address = None
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited:\n" + open(log).read())
    if address is None:
        for line in open(log):
            try:
                fields = json.loads(line).get("fields", {})
            except ValueError:
                continue
            if fields.get("message") == "serving":
                address = fields["address"]
    if address is not None:
        try:
            urllib.request.urlopen(f"http://{address}/readyz")
            print(f"http://{address}")
            sys.exit(0)
        except OSError:
            pass
    time.sleep(0.1)
sys.exit("the server did not become ready:\n" + open(log).read())
PY
    )
    editor_key=$(target/debug/newsdesk keys create --db "$dir/newsdesk.db" --role editor \
        --name clients | tail -1)
    export NEWSDESK_EDITOR_KEY="$editor_key"
    local list
    for list in articles quotes participants events topics; do
        export "NEWSDESK_${list^^}_CURSOR=$(cursor_of "$base/v1/$list?limit=1")"
    done
    NEWSDESK_TIMELINE_CURSOR=$(cursor_of "$base/v1/participants/aleksandr-lukashenko/timeline?limit=1")
    NEWSDESK_SEARCH_CURSOR=$(cursor_of "$base/v1/search?q=food+security&limit=1")
    export NEWSDESK_TIMELINE_CURSOR NEWSDESK_SEARCH_CURSOR
    NEWSDESK_PREVIEW_TOKEN=$(preview_token_of "$base" lukashenko-meets-xi-jinping-astana)
    export NEWSDESK_PREVIEW_TOKEN
}

# A preview token for an article: a made-up one is refused (403), as a made-up
# cursor is, so schemathesis's preview requests carry a real one.
preview_token_of() {
    python3 -c 'import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "/v1/articles/" + sys.argv[2] + "/previews",
    data=b"{\"expires_in\": 604800}", method="POST",
    headers={"Authorization": "Bearer " + sys.argv[3], "Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["data"]["token"])' "$1" "$2" "$editor_key"
}

# The next_cursor of a list's first page: schemathesis's cursor pins.
cursor_of() {
    python3 -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1]))["page"]["next_cursor"])' "$1"
}

stop_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
