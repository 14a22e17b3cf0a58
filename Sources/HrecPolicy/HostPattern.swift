import Foundation

/// One `host:port` entry of the network policy: a host glob (names or IP literals, IPv6 in
/// brackets) and a port or `*`. `host` alone means any port.
public struct HostPattern: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The host glob, lower-cased, without a trailing dot or IPv6 brackets.
    public let host: String
    /// The port, or nil for any port.
    public let port: Int?

    /// The entry as written back: `host:port`, `host:*`, `[v6]:port`.
    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "\(name):\(port.map(String.init) ?? "*")"
    }

    /// Parses `text`.
    /// - Throws: `PolicyError` (path `network entry`) with one issue saying what is wrong.
    public static func parse(_ text: String) throws(PolicyError) -> HostPattern {
        func failure(_ message: String) -> PolicyError {
            PolicyError(path: "network entry", issues: [PolicyIssue(line: 1, column: 1, message: message)])
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var hostPart = Substring(trimmed)
        var portPart: Substring = "*"
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw failure("'\(text)': '[' without ']'") }
            hostPart = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw failure("'\(text)': expected ':PORT' after ']'") }
                portPart = rest.dropFirst()
            }
        } else if trimmed.filter({ $0 == ":" }).count == 1, let colon = trimmed.firstIndex(of: ":") {
            hostPart = trimmed[..<colon]
            portPart = trimmed[trimmed.index(after: colon)...]
        }
        // More than one colon without brackets: an IPv6 literal or glob, any port.
        let host = NetworkPolicy.normalise(String(hostPart))
        guard !host.isEmpty else { throw failure("'\(text)': the host is empty (use HOST:PORT, e.g. pypi.org:443)") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:*?".contains($0) }) else {
            throw failure("'\(text)': the host may hold only letters, digits, '-', '.', '_', ':' and the globs '*' '?'")
        }
        if portPart == "*" { return HostPattern(host: host, port: nil) }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw failure("'\(text)': the port must be 1-65535 or '*'")
        }
        return HostPattern(host: host, port: port)
    }

    /// An entry for an exact host and port (or any port).
    public init(host: String, port: Int?) {
        self.host = NetworkPolicy.normalise(host)
        self.port = port
    }

    /// Whether the host part has no glob characters.
    public var isExactHost: Bool { !host.contains("*") && !host.contains("?") }

    /// Whether this entry names `host:port` or the address it resolved to. `host` must already be
    /// normalised (`NetworkPolicy.normalise`). An exact IP literal pattern matches the same address
    /// in any spelling; `localhost` matches every loopback address.
    public func matches(host name: String, port number: Int, address: IPAddress?) -> Bool {
        if let port, port != number { return false }
        let glob = Glob(host)
        if glob.matches(name) { return true }
        guard let address else { return false }
        if glob.matches(address.description) { return true }
        if let literal = IPAddress(host), literal == address || literal == address.embeddedIPv4 { return true }
        return host == "localhost" && address.scope == .loopback
    }
}
