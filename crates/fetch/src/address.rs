//! Which IP addresses a fetch may connect to.
//!
//! Credentials name URLs chosen by whoever issued (or forged) them, so every fetch is a
//! server-side request on an attacker's behalf. Anything that is not a public unicast address is
//! refused: loopback and private ranges (SSRF into the host or its network), link-local (cloud
//! metadata at 169.254.169.254), CGNAT, multicast, documentation and reserved ranges. Ranges are
//! the IANA special-purpose registries
//! (<https://www.iana.org/assignments/iana-ipv4-special-registry/>,
//! <https://www.iana.org/assignments/iana-ipv6-special-registry/>). IPv6 forms that carry an IPv4
//! address (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that IPv4 address,
//! so `::ffff:127.0.0.1` is loopback.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not a public unicast address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// `0.0.0.0/8`, `::` — "this host"; connecting to it reaches the local machine on Linux.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918 `10/8`, `172.16/12`, `192.168/16`.
    Private,
    /// RFC 6598 shared address space `100.64.0.0/10` (carrier-grade NAT).
    SharedCgnat,
    /// `169.254.0.0/16`, `fe80::/10` (includes cloud metadata endpoints).
    LinkLocal,
    /// IPv6 unique local `fc00::/7`.
    UniqueLocal,
    /// Deprecated IPv6 site-local `fec0::/10`.
    SiteLocal,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// RFC 2544 benchmarking `198.18.0.0/15`.
    Benchmarking,
    /// Any other special-purpose or unallocated range (`240/4`, `192.0.0.0/24`, `2001::/23`, IPv6
    /// outside `2000::/3`, …).
    Reserved,
}

impl AddressClass {
    /// Whether this is loopback, which `dangerous_allow_loopback` permits on its own.
    #[must_use]
    pub fn is_loopback(self) -> bool {
        self == AddressClass::Loopback
    }

    fn name(self) -> &'static str {
        match self {
            AddressClass::Unspecified => "unspecified",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::SharedCgnat => "shared (carrier-grade NAT)",
            AddressClass::LinkLocal => "link-local",
            AddressClass::UniqueLocal => "unique-local",
            AddressClass::SiteLocal => "site-local",
            AddressClass::Multicast => "multicast",
            AddressClass::Documentation => "documentation",
            AddressClass::Benchmarking => "benchmarking",
            AddressClass::Reserved => "reserved",
        }
    }
}

/// A refused range: its class and the range in CIDR notation, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefusedRange {
    /// The class of the range.
    pub class: AddressClass,
    /// The range, e.g. `"127.0.0.0/8"`.
    pub range: &'static str,
}

impl fmt::Display for RefusedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} range {}", self.class.name(), self.range)
    }
}

/// `(prefix, prefix length, class, text)`; first match wins.
const V4_RANGES: &[(u32, u32, AddressClass, &str)] = &[
    (0x0000_0000, 8, AddressClass::Unspecified, "0.0.0.0/8"),
    (0x0A00_0000, 8, AddressClass::Private, "10.0.0.0/8"),
    (0x6440_0000, 10, AddressClass::SharedCgnat, "100.64.0.0/10"),
    (0x7F00_0000, 8, AddressClass::Loopback, "127.0.0.0/8"),
    (0xA9FE_0000, 16, AddressClass::LinkLocal, "169.254.0.0/16"),
    (0xAC10_0000, 12, AddressClass::Private, "172.16.0.0/12"),
    (0xC000_0000, 24, AddressClass::Reserved, "192.0.0.0/24"),
    (0xC000_0200, 24, AddressClass::Documentation, "192.0.2.0/24"),
    (0xC058_6300, 24, AddressClass::Reserved, "192.88.99.0/24"),
    (0xC0A8_0000, 16, AddressClass::Private, "192.168.0.0/16"),
    (0xC612_0000, 15, AddressClass::Benchmarking, "198.18.0.0/15"),
    (
        0xC633_6400,
        24,
        AddressClass::Documentation,
        "198.51.100.0/24",
    ),
    (
        0xCB00_7100,
        24,
        AddressClass::Documentation,
        "203.0.113.0/24",
    ),
    (0xE000_0000, 4, AddressClass::Multicast, "224.0.0.0/4"),
    (0xF000_0000, 4, AddressClass::Reserved, "240.0.0.0/4"),
];

/// IPv6 ranges checked after the IPv4-carrying forms; first match wins.
const V6_RANGES: &[(u128, u32, AddressClass, &str)] = &[
    (0, 128, AddressClass::Unspecified, "::/128"),
    (1, 128, AddressClass::Loopback, "::1/128"),
    (
        0x0064_ff9b_0001 << 80,
        48,
        AddressClass::Reserved,
        "64:ff9b:1::/48",
    ),
    (0x0100 << 112, 64, AddressClass::Reserved, "100::/64"),
    (
        0x2001_0db8 << 96,
        32,
        AddressClass::Documentation,
        "2001:db8::/32",
    ),
    (0x2001 << 112, 23, AddressClass::Reserved, "2001::/23"),
    (0x3fff << 112, 20, AddressClass::Documentation, "3fff::/20"),
    (0x5f00 << 112, 16, AddressClass::Reserved, "5f00::/16"),
    (0xfc00 << 112, 7, AddressClass::UniqueLocal, "fc00::/7"),
    (0xfe80 << 112, 10, AddressClass::LinkLocal, "fe80::/10"),
    (0xfec0 << 112, 10, AddressClass::SiteLocal, "fec0::/10"),
    (0xff00 << 112, 8, AddressClass::Multicast, "ff00::/8"),
];

fn in_v4(addr: u32, prefix: u32, len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    addr & mask == prefix & mask
}

fn in_v6(addr: u128, prefix: u128, len: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    addr & mask == prefix & mask
}

fn classify_v4(ip: Ipv4Addr) -> Option<RefusedRange> {
    let bits = u32::from(ip);
    V4_RANGES
        .iter()
        .find(|(prefix, len, _, _)| in_v4(bits, *prefix, *len))
        .map(|&(_, _, class, range)| RefusedRange { class, range })
}

/// The IPv4 address an IPv6 address stands for, where the form is defined to carry one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if in_v6(bits, 0xffff << 32, 96) || in_v6(bits, 0x0064_ff9b << 96, 96) {
        // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2), NAT64 well-known prefix (RFC 6052).
        return Some(low32);
    }
    if in_v6(bits, 0x2002 << 112, 16) {
        // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
        return Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    None
}

/// Classifies `ip`: `None` for a public unicast address a fetch may connect to, otherwise the
/// refused range it falls in.
#[must_use]
pub fn classify_address(ip: IpAddr) -> Option<RefusedRange> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_v4(v6) {
                return classify_v4(v4);
            }
            let bits = u128::from(v6);
            if let Some(&(_, _, class, range)) = V6_RANGES
                .iter()
                .find(|(prefix, len, _, _)| in_v6(bits, *prefix, *len))
            {
                return Some(RefusedRange { class, range });
            }
            if in_v6(bits, 0x2000 << 112, 3) {
                None
            } else {
                // Only 2000::/3 is allocated as global unicast (RFC 4291 §2.4); the rest of ::/8
                // (IPv4-compatible and friends) and every unallocated block are refused.
                Some(RefusedRange {
                    class: AddressClass::Reserved,
                    range: "outside global unicast 2000::/3",
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(address, expected class or None for public)`.
    macro_rules! table {
        ($($addr:literal => $class:expr,)*) => {
            &[$(($addr, $class)),*]
        };
    }

    const CASES: &[(&str, Option<AddressClass>)] = table! {
        // Public.
        "8.8.8.8" => None,
        "1.1.1.1" => None,
        "93.184.215.14" => None,
        "100.63.255.255" => None,
        "100.128.0.0" => None,
        "172.15.255.255" => None,
        "172.32.0.0" => None,
        "192.0.3.1" => None,
        "198.17.255.255" => None,
        "198.20.0.0" => None,
        "223.255.255.255" => None,
        "2606:4700:4700::1111" => None,
        "2001:4860:4860::8888" => None,
        "::ffff:8.8.8.8" => None,
        "64:ff9b::808:808" => None,
        "2002:0808:0808::1" => None,
        // Unspecified / this network.
        "0.0.0.0" => Some(AddressClass::Unspecified),
        "0.1.2.3" => Some(AddressClass::Unspecified),
        "::" => Some(AddressClass::Unspecified),
        "::ffff:0.0.0.0" => Some(AddressClass::Unspecified),
        // Loopback.
        "127.0.0.1" => Some(AddressClass::Loopback),
        "127.255.255.254" => Some(AddressClass::Loopback),
        "::1" => Some(AddressClass::Loopback),
        "::ffff:127.0.0.1" => Some(AddressClass::Loopback),
        "64:ff9b::7f00:1" => Some(AddressClass::Loopback),
        "2002:7f00:0001::" => Some(AddressClass::Loopback),
        // Private.
        "10.0.0.1" => Some(AddressClass::Private),
        "172.16.0.1" => Some(AddressClass::Private),
        "172.31.255.255" => Some(AddressClass::Private),
        "192.168.1.1" => Some(AddressClass::Private),
        "::ffff:10.1.2.3" => Some(AddressClass::Private),
        "::ffff:192.168.0.1" => Some(AddressClass::Private),
        // CGNAT.
        "100.64.0.1" => Some(AddressClass::SharedCgnat),
        "100.127.255.255" => Some(AddressClass::SharedCgnat),
        // Link-local (cloud metadata).
        "169.254.169.254" => Some(AddressClass::LinkLocal),
        "fe80::1" => Some(AddressClass::LinkLocal),
        "febf::1" => Some(AddressClass::LinkLocal),
        "::ffff:169.254.169.254" => Some(AddressClass::LinkLocal),
        // Unique local / site local.
        "fc00::1" => Some(AddressClass::UniqueLocal),
        "fd12:3456:789a::1" => Some(AddressClass::UniqueLocal),
        "fec0::1" => Some(AddressClass::SiteLocal),
        // Multicast.
        "224.0.0.1" => Some(AddressClass::Multicast),
        "239.255.255.250" => Some(AddressClass::Multicast),
        "ff02::1" => Some(AddressClass::Multicast),
        // Documentation.
        "192.0.2.1" => Some(AddressClass::Documentation),
        "198.51.100.7" => Some(AddressClass::Documentation),
        "203.0.113.9" => Some(AddressClass::Documentation),
        "2001:db8::1" => Some(AddressClass::Documentation),
        "3fff::1" => Some(AddressClass::Documentation),
        // Benchmarking.
        "198.18.0.1" => Some(AddressClass::Benchmarking),
        "198.19.255.255" => Some(AddressClass::Benchmarking),
        // Reserved.
        "240.0.0.1" => Some(AddressClass::Reserved),
        "255.255.255.255" => Some(AddressClass::Reserved),
        "192.0.0.8" => Some(AddressClass::Reserved),
        "192.88.99.1" => Some(AddressClass::Reserved),
        "2001::1" => Some(AddressClass::Reserved),
        "2001:1ff::1" => Some(AddressClass::Reserved),
        "64:ff9b:1::1" => Some(AddressClass::Reserved),
        "100::1" => Some(AddressClass::Reserved),
        "::8.8.8.8" => Some(AddressClass::Reserved),
        "4000::1" => Some(AddressClass::Reserved),
        "5f00::1" => Some(AddressClass::Reserved),
    };

    #[test]
    fn address_table() {
        let mut failures = Vec::new();
        for (text, expected) in CASES {
            let ip: IpAddr = text.parse().unwrap();
            let got = classify_address(ip).map(|r| r.class);
            if got != *expected {
                failures.push(format!("{text}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn message_names_the_range() {
        let refused = classify_address("127.0.0.1".parse().unwrap()).unwrap();
        assert_eq!(refused.to_string(), "loopback range 127.0.0.0/8");
        let refused = classify_address("::ffff:10.0.0.1".parse().unwrap()).unwrap();
        assert_eq!(refused.to_string(), "private range 10.0.0.0/8");
    }

    #[test]
    fn range_boundaries_are_exact() {
        // Every v4 table entry: first and last address are in, the ones just outside are not
        // in this entry.
        for &(prefix, len, class, _) in V4_RANGES {
            let size = 1u64 << (32 - len);
            let last = u32::try_from(u64::from(prefix) + size - 1).unwrap();
            for bits in [prefix, last] {
                assert_eq!(
                    classify_v4(Ipv4Addr::from(bits)).map(|r| r.class),
                    Some(class),
                    "{}",
                    Ipv4Addr::from(bits)
                );
            }
        }
    }
}
