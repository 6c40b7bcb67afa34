//! Where newsdesk is reached at, and who is calling: both decided by configuration,
//! never by what a client sends. `Host`, `Forwarded` and `X-Forwarded-*` are free
//! text to any client; a link built from them and kept in a shared cache would send
//! every later reader to the sender's host.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// The absolute URL links are made from: `--public-url`, else the bind address.
#[derive(Debug, Clone)]
pub struct PublicUrl {
    base: String,
    configured: bool,
}

impl PublicUrl {
    /// `configured` (already checked by [`parse_public_url`]), else `http://` and the
    /// address the server listens on (`localhost` for an unspecified one).
    pub fn new(configured: Option<&str>, bound: SocketAddr) -> Self {
        match configured {
            Some(url) => Self {
                base: url.trim_end_matches('/').to_owned(),
                configured: true,
            },
            None => {
                let host = match bound.ip() {
                    ip if ip.is_unspecified() => "localhost".to_owned(),
                    IpAddr::V6(ip) => format!("[{ip}]"),
                    IpAddr::V4(ip) => ip.to_string(),
                };
                Self {
                    base: format!("http://{host}:{}", bound.port()),
                    configured: false,
                }
            }
        }
    }

    /// The absolute base, for formats that need absolute URLs (feeds, JSON-LD, ninjs).
    pub fn absolute(&self) -> &str {
        &self.base
    }

    /// The base for links that may be relative (`Link` headers): the configured URL,
    /// or nothing, so the link is a path and the client resolves it.
    pub fn relative(&self) -> &str {
        if self.configured { &self.base } else { "" }
    }
}

/// Checks a `--public-url`: an absolute `http` or `https` URL with a host, and no
/// query or fragment; a trailing `/` is dropped.
pub(crate) fn parse_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not an absolute URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".to_owned());
    }
    if url.host_str().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err("must have a host and no query or fragment".to_owned());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The networks whose `Forwarded` / `X-Forwarded-For` headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

/// Reads a `--trusted-proxies` entry: a CIDR network, or one address.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither a CIDR network nor an IP address"))
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy; then the
    /// nearest address in its forwarding chain that is not one (read right to left,
    /// since only the hops our proxies appended can be believed).
    pub(crate) fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let mut client = peer?.to_canonical();
        if !self.trusts(client) {
            return Some(client);
        }
        let mut hops = forwarded_for(headers);
        while self.trusts(client) {
            match hops.pop() {
                Some(Some(ip)) => client = ip.to_canonical(),
                // An obfuscated or missing hop ends what can be known.
                _ => break,
            }
        }
        Some(client)
    }
}

/// The `for` addresses of `Forwarded`, or else of `X-Forwarded-For`, in order
/// (nearest last); `None` where a hop is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name| {
        headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .into_iter()
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| node_ip(value.trim().trim_matches('"')))?
                })
            })
            .collect();
    }
    values("x-forwarded-for").into_iter().map(node_ip).collect()
}

/// An address as `Forwarded` writes nodes: `192.0.2.1`, `192.0.2.1:80`,
/// `[2001:db8::1]`, `[2001:db8::1]:80`; X-Forwarded-For may hold a bare IPv6 address.
fn node_ip(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse::<SocketAddr>().ok().map(|a| a.ip())
}

/// The key a client's quota is kept under: its IPv4 address, or its IPv6 /64, since
/// one IPv6 subscriber usually holds a whole /64.
pub(crate) fn quota_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => IpNet::new(IpAddr::V6(v6), 64)
            .map(|net| net.trunc().to_string())
            .unwrap_or_else(|_| v6.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn trusted(nets: &[&str]) -> TrustedProxies {
        TrustedProxies(nets.iter().map(|n| parse_network(n).unwrap()).collect())
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_peers() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        let peer = Some("198.51.100.1".parse().unwrap());
        assert_eq!(trusted(&[]).client_ip(peer, &h), peer);
        assert_eq!(
            trusted(&["198.51.100.0/24"]).client_ip(peer, &h),
            Some("203.0.113.9".parse().unwrap())
        );
    }

    #[test]
    fn the_chain_is_read_from_the_right() {
        // The client forged the first hop; our proxy appended the real one.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")]);
        let peer = Some("10.0.0.1".parse().unwrap());
        assert_eq!(
            trusted(&["10.0.0.0/8"]).client_ip(peer, &h),
            Some("203.0.113.9".parse().unwrap())
        );
        let h = headers(&[(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https",
        )]);
        assert_eq!(
            trusted(&["10.0.0.1"]).client_ip(peer, &h),
            Some("2001:db8::7".parse().unwrap())
        );
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(trusted(&["10.0.0.1"]).client_ip(peer, &h), peer);
    }

    #[test]
    fn ipv6_clients_share_a_quota_per_64() {
        let a = quota_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = quota_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(quota_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
    }

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(
            parse_public_url("https://api.example.org/").unwrap(),
            "https://api.example.org"
        );
        assert!(parse_public_url("ftp://example.org").is_err());
        assert!(parse_public_url("/relative").is_err());
        assert!(parse_public_url("https://example.org/?q=1").is_err());
        let bound = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            PublicUrl::new(None, bound).absolute(),
            "http://localhost:8080"
        );
        assert_eq!(PublicUrl::new(None, bound).relative(), "");
    }
}
