# Varnish 7 in front of newsdesk: reads from the read replicas (health-checked,
# round robin), writes to the primary, anonymous reads cached by newsdesk's own
# Cache-Control (s-maxage, stale-while-revalidate as grace), and the primary's
# PURGE requests drop exactly the responses whose surrogate keys a commit named
# (vmod xkey from Debian's varnish-modules). See the README, "Scaling out".
#
# The hosts below are the services of deploy/compose.yaml; change them to yours.
vcl 4.1;

import directors;
import std;
import xkey;

# A replica is used while /readyz answers 200: it is up and its replication lag is
# under its --max-lag.
probe ready {
    .url = "/readyz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

probe up {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

backend primary {
    .host = "primary";
    .port = "8080";
    .probe = up;
}

backend replica1 {
    .host = "replica1";
    .port = "8080";
    .probe = ready;
}

backend replica2 {
    .host = "replica2";
    .port = "8080";
    .probe = ready;
}

# Who may purge: this host and the private network the primary sends from.
# Narrow it to the primary's address where you can.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_init {
    new replicas = directors.round_robin();
    replicas.add_backend(replica1);
    replicas.add_backend(replica2);
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        # A hard purge: nothing of the old state may be served again, not even in grace.
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    # Writes (and anything but a read) go to the primary, uncached.
    if (req.method != "GET" && req.method != "HEAD") {
        set req.backend_hint = primary;
        return (pass);
    }
    set req.backend_hint = replicas.backend();
    if (!std.healthy(req.backend_hint)) {
        # Every replica down or lagging: the primary serves reads too.
        set req.backend_hint = primary;
    }
    # What a key sees may differ from the public view (drafts): never shared.
    if (req.http.Authorization) {
        return (pass);
    }
    # newsdesk sets no cookies and reads none.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_fetch {
    # A read retried after a replica died is sent to the primary.
    if (bereq.retries > 0) {
        set bereq.backend = primary;
    }
}

sub vcl_backend_error {
    # A replica that died mid-request (before its probe noticed): try once more.
    if (bereq.method == "GET" || bereq.method == "HEAD") {
        if (bereq.retries == 0) {
            return (retry);
        }
    }
}

sub vcl_backend_response {
    # Which node answered, for operators (and the topology test).
    set beresp.http.X-Served-By = beresp.backend.name;
    # Only what newsdesk marks public is shared: its successful anonymous reads.
    # Problems, editors' responses and the rest are passed through, not kept.
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)" || beresp.status != 200) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # stale-while-revalidate=N: serve the expired response for N seconds while one
    # background fetch renews it (purged responses are gone, never served stale).
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\1") + "s",
            10s);
    }
    # Keep expired responses a while longer for conditional revalidation (ETag).
    set beresp.keep = 1h;
    # `public, no-cache` (the change log): kept, but revalidated on every request.
    if (beresp.http.Cache-Control ~ "(^|[ ,])no-cache([ ,]|$)") {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    # newsdesk's own X-Cache tells of its in-process cache; this one of Varnish's.
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
    # The keys are for caches, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
