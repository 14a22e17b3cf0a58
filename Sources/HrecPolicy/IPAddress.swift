import Foundation

/// An IPv4 or IPv6 address as bytes, with the ranges the network policy cares about.
///
/// Parsing accepts only the canonical literal forms (`inet_pton`): dotted-quad IPv4 and RFC 4291
/// IPv6 (brackets allowed). Shorthands such as `0x7f.1` or `2130706433` are not literals here; a
/// resolver may still turn them into addresses, which is why decisions look at the resolved address.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    /// What kind of range an address lies in.
    public enum Scope: String, Sendable, Equatable {
        case global, loopback, linkLocal = "link-local", privateNetwork = "private", unspecified, multicast, reserved
    }

    /// Wraps 4 or 16 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses an IPv4 or IPv6 literal (`[::1]` too); nil when `text` is not one.
    public init?(_ text: String) {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        guard !literal.contains("%") else { return nil }  // zone ids name an interface, not a host
        var v4 = in_addr()
        if inet_pton(AF_INET, String(literal), &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(literal), &v6) == 1 else { return nil }
        self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
    }

    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { bytes.count == 16 }

    /// The IPv4 address an IPv6 address carries (IPv4-mapped `::ffff:a.b.c.d`, NAT64
    /// `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`), which reaches that IPv4 host.
    public var embeddedIPv4: IPAddress? {
        guard isIPv6 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// The range this address lies in; an IPv6 address carrying an IPv4 one takes that one's scope.
    public var scope: Scope {
        if let inner = embeddedIPv4 { return inner.scope }
        return isIPv6 ? Self.scope6(bytes) : Self.scope4(bytes)
    }

    /// Whether this address reaches something local to the machine or its network (anything but `global`).
    public var isLocal: Bool { scope != .global }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv6 ? AF_INET6 : AF_INET
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func scope4(_ b: [UInt8]) -> Scope {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (169, 254): return .linkLocal
        case (10, _), (172, 16...31), (192, 168), (100, 64...127): return .privateNetwork
        case (192, 0) where b[2] == 0, (198, 18...19): return .reserved
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .global
        }
    }

    private static func scope6(_ b: [UInt8]) -> Scope {
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return .reserved }  // deprecated IPv4-compatible ::a.b.c.d
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .privateNetwork }  // deprecated site-local
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // unique local fc00::/7
        if b[0] == 0xff { return .multicast }
        return .global
    }
}
