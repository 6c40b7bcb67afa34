#!/bin/sh
# Keeps a read replica's database current from a Litestream replica location.
#
#   deploy/follow.sh REPLICA_URL SERVED_DB [WORK_DIR]
#
# Litestream 0.5.17's follower (`litestream restore -f`) writes pages straight into
# its output file under SQLite's exclusive lock and leaves the file in WAL mode, so
# while a newsdesk replica reads that file (every WAL reader holds a shared lock) it
# waits forever and applies nothing. So the follower gets a file of its own, which
# nothing else opens, and each time it applied something (its `-txid` file moves)
# that file is copied into the served one through SQLite's backup API (`sqlite3
# .restore`): an ordinary SQLite write, which newsdesk's readers do not block in WAL
# mode and which moves their `PRAGMA data_version`, so the replica notices at once.
# Each copy writes the whole database: fine for a newsroom's write rate and size;
# see the README, "Scaling out".
set -eu
url=$1
served=$2
work=${3:-$(dirname "$served")/follow}
interval=${FOLLOW_INTERVAL:-0.2}
mkdir -p "$work"
followed=$work/followed.db
# A restart begins afresh: the follower refuses a file it did not leave behind.
rm -f "$followed" "$followed-txid" "$followed-wal" "$followed-shm"
litestream restore -f -follow-interval 200ms -o "$followed" "$url" &
follower=$!
trap 'kill "$follower" 2>/dev/null; exit 0' INT TERM
copied=
while kill -0 "$follower" 2>/dev/null; do
    txid=$(cat "$followed-txid" 2>/dev/null || true)
    if [ -n "$txid" ] && [ "$txid" != "$copied" ]; then
        # Into a new file first, then renamed: a replica never starts on half a copy.
        if [ ! -e "$served" ]; then
            sqlite3 "$served.partial" ".timeout 10000" ".restore '$followed'" \
                "PRAGMA journal_mode=WAL;" >/dev/null
            mv "$served.partial" "$served"
        else
            sqlite3 "$served" ".timeout 10000" ".restore '$followed'"
        fi
        copied=$txid
        echo "follow: copied txid $txid into $served"
    fi
    sleep "$interval"
done
wait "$follower"
