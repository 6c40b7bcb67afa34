//! Where webhooks may deliver: not inside the network newsdesk runs in.
//!
//! A destination is refused when any address it resolves to is loopback, private,
//! link-local, unique-local, multicast, unspecified, reserved, or an IPv4-mapped,
//! -compatible, NAT64 or 6to4 form of one of those. The check runs at
//! registration, and again at delivery inside the HTTP client's resolver: the
//! addresses checked are the ones connected to, so a name that resolves to a
//! public address when checked and to an internal one a moment later (DNS
//! rebinding) gains nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Why an address is internal, or `None` when it is a public one.
pub fn internal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(match () {
        _ if ip.is_unspecified() || a == 0 => "unspecified",
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_private() => "private",
        // Carrier-grade NAT, shared between a provider's customers.
        _ if a == 100 && (64..128).contains(&b) => "private",
        _ if ip.is_link_local() => "link-local",
        _ if ip.is_multicast() => "multicast",
        _ if ip.is_broadcast() || a >= 240 => "reserved",
        // IETF protocol assignments and benchmarking networks.
        _ if (a, b) == (192, 0) && ip.octets()[2] == 0 => "reserved",
        _ if a == 198 && (b == 18 || b == 19) => "reserved",
        _ => return None,
    })
}

fn internal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    // IPv4 addresses carried in IPv6: mapped (::ffff:a.b.c.d), compatible
    // (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if let Some(v4) = ip.to_ipv4_mapped() {
        return internal_v4(v4);
    }
    if segments[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        return internal_v4(embedded(segments[6], segments[7]));
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return internal_v4(embedded(segments[6], segments[7]));
    }
    if segments[0] == 0x2002 {
        return internal_v4(embedded(segments[1], segments[2]));
    }
    Some(match segments[0] {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        s if s & 0xfe00 == 0xfc00 => "unique-local",
        s if s & 0xffc0 == 0xfe80 => "link-local",
        // Site-local: deprecated, but still routed inside some networks.
        s if s & 0xffc0 == 0xfec0 => "private",
        s if s & 0xff00 == 0xff00 => "multicast",
        _ => return None,
    })
}

/// A refused destination, in the words `last_error` and the 422 use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused: {0} address")]
pub struct Refused(pub &'static str);

/// Whether deliveries to the absolute http(s) `url` would be refused: when the
/// host is an internal address, a `localhost` name, or a name that resolves to
/// an internal address. A name that does not resolve now is let through; its
/// deliveries are checked as they are made.
pub fn check_url(url: &str) -> Result<(), Refused> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(());
    };
    let port = parsed.port_or_known_default().unwrap_or(80);
    // The URL parser has already turned 127.1, 0x7f000001 and 2130706433 into
    // 127.0.0.1, as browsers and HTTP clients read them.
    let addresses: Vec<IpAddr> = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return Err(Refused("loopback"));
            }
            (name.as_str(), port)
                .to_socket_addrs()
                .map(|found| found.map(|a| a.ip()).collect())
                .unwrap_or_default()
        }
        None => Vec::new(),
    };
    match addresses.into_iter().find_map(internal) {
        Some(class) => Err(Refused(class)),
        None => Ok(()),
    }
}

/// The delivery client's resolver: resolves as usual, then refuses the whole
/// destination if any address is internal, unless internal addresses are allowed.
#[derive(Debug, Default)]
pub struct GuardedResolver {
    pub allow_private: bool,
    inner: DefaultResolver,
}

impl GuardedResolver {
    pub fn new(allow_private: bool) -> Self {
        Self {
            allow_private,
            inner: DefaultResolver::default(),
        }
    }
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let refused = found.iter().map(SocketAddr::ip).find_map(internal);
        match refused {
            Some(class) if !self.allow_private => Err(ureq::Error::Other(Box::new(Refused(class)))),
            _ => Ok(found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_in_every_form_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(internal(ip.parse().unwrap()).is_some(), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(internal(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn urls_naming_internal_hosts_are_refused() {
        for url in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://10.0.0.5:8080/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/",
            "http://localhost:9/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://0/",
            "http://017700000001/",
        ] {
            assert!(check_url(url).is_err(), "{url}");
        }
        assert_eq!(check_url("http://93.184.216.34/hook"), Ok(()));
    }
}
