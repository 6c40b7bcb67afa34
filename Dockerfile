# syntax=docker/dockerfile:1
# Build: a release binary from the locked dependency graph.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# The dependencies first, in a layer that only a change to Cargo.toml or Cargo.lock
# rebuilds: compiled against empty stand-ins for the crate's own targets (the test
# target's stays, since the manifest names it). Removing the crate's fingerprints
# makes the next step compile the real sources whatever their timestamps.
COPY Cargo.toml Cargo.lock ./
# The build's settings: how much of the database file SQLite may map.
COPY .cargo ./.cargo
RUN mkdir -p src tests/api \
    && echo 'fn main() {}' >src/main.rs \
    && touch src/lib.rs tests/api/main.rs \
    && cargo build --release --locked --bin newsdesk \
    && rm -rf src target/release/.fingerprint/newsdesk-*
# Then the crate: the sources, the build script that lists the migrations, and the
# files they compile in.
COPY build.rs ./
COPY src ./src
COPY fixtures ./fixtures
COPY openapi ./openapi
RUN cargo build --release --locked --bin newsdesk

# Run: a slim image with the binary alone, as an unprivileged user.
FROM debian:bookworm-slim
RUN groupadd --system --gid 10001 newsdesk \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /src/target/release/newsdesk /usr/local/bin/newsdesk
USER 10001:10001
# Links in feeds and JSON-LD use NEWSDESK_PUBLIC_URL, never the request's Host:
# override it with the URL readers reach the container at.
ENV NEWSDESK_BIND=0.0.0.0:8080 \
    NEWSDESK_PUBLIC_URL=http://localhost:8080 \
    NEWSDESK_DB=/data/newsdesk.db \
    NEWSDESK_HEALTHCHECK_URL=http://127.0.0.1:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["newsdesk", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsdesk"]
CMD ["serve"]
