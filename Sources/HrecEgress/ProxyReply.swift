import HrecPolicy

/// The bytes the proxy answers a client with, per protocol.
public enum ProxyReply {
    /// SOCKS5 reply codes (RFC 1928 section 6). Values on the wire: never change them.
    public enum SOCKSCode: UInt8, Sendable {
        case succeeded = 0x00, generalFailure = 0x01, notAllowed = 0x02, hostUnreachable = 0x04
        case connectionRefused = 0x05, commandNotSupported = 0x07, addressTypeNotSupported = 0x08
    }

    /// `host:port` as shown to people (IPv6 in brackets).
    public static func display(host: String, port: Int) -> String {
        HostPattern(host: host, port: port).description
    }

    /// The one line a refused client reads.
    public static func deniedMessage(host: String, port: Int, decision: NetworkDecision) -> String {
        "hrec: connection to \(display(host: host, port: port)) denied by policy (rule \(decision.rule): \(decision.reason))"
    }

    /// What a client reads once its connection is made (nothing for plain HTTP: the upstream answers).
    public static func established(_ proto: ProxyProtocol) -> [UInt8] {
        switch proto {
        case .connect: Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        case .http: []
        case .socks5: socks(.succeeded)
        }
    }

    /// The refusal of a denied connection: 403 with the message, or SOCKS5 0x02.
    public static func denied(_ proto: ProxyProtocol, host: String, port: Int, decision: NetworkDecision) -> [UInt8] {
        proto == .socks5 ? socks(.notAllowed)
            : http(status: 403, reason: "Forbidden", body: deniedMessage(host: host, port: port, decision: decision))
    }

    /// The answer when the upstream cannot be reached: 502, or SOCKS5 0x05.
    public static func unreachable(_ proto: ProxyProtocol, host: String, port: Int, reason: String) -> [UInt8] {
        proto == .socks5 ? socks(.connectionRefused)
            : http(status: 502, reason: "Bad Gateway", body: "hrec: cannot reach \(display(host: host, port: port)): \(reason)")
    }

    /// A complete HTTP/1.1 response with a one-line plain-text body; the connection closes after it.
    public static func http(status: Int, reason: String, body: String) -> [UInt8] {
        let text = body + "\n"
        return Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)".utf8)
    }

    /// A SOCKS5 reply with an all-zero IPv4 bound address.
    public static func socks(_ code: SOCKSCode) -> [UInt8] {
        [0x05, code.rawValue, 0x00, 0x01, 0, 0, 0, 0, 0, 0]
    }
}
