import Foundation
import HrecPolicy

/// Reads a client's first bytes and says where it wants to go: HTTP CONNECT, an absolute-form
/// plain HTTP request, or SOCKS5 (first byte 0x05), on one listener. No I/O: the caller feeds
/// bytes and carries out the returned step.
public struct ProxyHandshake: Sendable {
    /// What the caller does next.
    public enum Step: Sendable, Equatable {
        /// Wait for more bytes.
        case needMore
        /// Write these bytes to the client, then call `feed([])` again (SOCKS5 method selection).
        case reply([UInt8])
        /// The client's destination; the handshake is over.
        case target(ProxyTarget)
        /// Write `reply` to the client and close; `reason` is for the log.
        case reject(reply: [UInt8], reason: String)
    }

    /// The most bytes a request head (or SOCKS5 handshake) may take.
    public let headerLimit: Int
    private var buffer: [UInt8] = []
    private var socksMethodChosen = false
    /// How far the search for the end of the head has looked.
    private var scanned = 0

    /// A handshake reader refusing heads longer than `headerLimit` bytes.
    public init(headerLimit: Int = 16 * 1024) {
        self.headerLimit = headerLimit
    }

    /// Adds `bytes` and tries to finish the handshake.
    public mutating func feed(_ bytes: [UInt8]) -> Step {
        buffer += bytes
        guard let first = buffer.first else { return .needMore }
        switch first {
        case 0x05: return socks()
        case 0x04: return .reject(reply: [0x00, 0x5b, 0, 0, 0, 0, 0, 0], reason: "SOCKS4 is not supported; use SOCKS5")
        default: return http()
        }
    }

    // MARK: HTTP

    private mutating func http() -> Step {
        guard let first = buffer.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            return Self.badRequest("not a proxy request (HTTP CONNECT, http:// URL or SOCKS5)")
        }
        let found = Self.find([13, 10, 13, 10], in: buffer, from: max(0, scanned - 3))
        scanned = buffer.count
        guard let end = found else {
            return buffer.count > headerLimit ? Self.httpReject(431, "Request Header Fields Too Large", "the request head is over \(headerLimit) bytes") : .needMore
        }
        guard end + 4 <= headerLimit else { return Self.httpReject(431, "Request Header Fields Too Large", "the request head is over \(headerLimit) bytes") }
        let rest = Array(buffer[(end + 4)...])
        guard let head = String(validating: buffer[..<end], as: UTF8.self) else { return Self.badRequest("the request head is not UTF-8") }
        let lines = head.components(separatedBy: "\r\n")
        guard lines.allSatisfy({ line in !line.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7f } }) else {
            return Self.badRequest("control characters in the request head")
        }
        let words = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 3, words[2] == "HTTP/1.1" || words[2] == "HTTP/1.0",
              !words[0].isEmpty, words[0].allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            return Self.badRequest("not an HTTP/1.x request line: '\(lines[0].prefix(120))'")
        }
        let method = String(words[0]), target = String(words[1])
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("\t"),
                  !line[..<colon].isEmpty, !line[..<colon].contains(" ") else {
                return Self.badRequest("malformed header line '\(line.prefix(120))'")
            }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        if method == "CONNECT" {
            guard let (host, port) = Self.authority(target), let port else {
                return Self.badRequest("CONNECT needs HOST:PORT, not '\(target.prefix(120))'")
            }
            return .target(ProxyTarget(host: host, port: port, proto: .connect, upstreamBytes: rest))
        }
        return absoluteForm(method: method, target: target, headers: headers, rest: rest)
    }

    private func absoluteForm(method: String, target: String, headers: [(name: String, value: String)], rest: [UInt8]) -> Step {
        let lower = target.lowercased()
        if lower.hasPrefix("https://") { return Self.badRequest("https:// URLs go through CONNECT (set HTTPS_PROXY)") }
        guard lower.hasPrefix("http://") else {
            return Self.badRequest("a proxy request needs an absolute http:// URL or CONNECT, not '\(target.prefix(120))'")
        }
        let afterScheme = target.dropFirst("http://".count)
        let authorityEnd = afterScheme.firstIndex { "/?#".contains($0) } ?? afterScheme.endIndex
        let authorityText = String(afterScheme[..<authorityEnd])
        guard !authorityText.contains("@"), let (host, port) = Self.authority(authorityText) else {
            return Self.badRequest("cannot read the host of '\(target.prefix(120))'")
        }
        var path = String(afterScheme[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if !path.hasPrefix("/") { path = "/" + path }
        // One request per upstream connection: the tunnel then carries nothing the policy did not see.
        let dropped: Set<String> = ["proxy-connection", "proxy-authorization", "connection", "keep-alive"]
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if !headers.contains(where: { $0.name.lowercased() == "host" }) { head += "Host: \(authorityText)\r\n" }
        for header in headers where !dropped.contains(header.name.lowercased()) { head += "\(header.name): \(header.value)\r\n" }
        head += "Connection: close\r\n\r\n"
        return .target(ProxyTarget(host: host, port: port ?? 80, proto: .http, upstreamBytes: Array(head.utf8) + rest))
    }

    private static func badRequest(_ reason: String) -> Step { httpReject(400, "Bad Request", reason) }

    private static func httpReject(_ status: Int, _ text: String, _ reason: String) -> Step {
        .reject(reply: ProxyReply.http(status: status, reason: text, body: "hrec: \(reason)"), reason: reason)
    }

    /// `host:port`, `[v6]:port`, or a host alone (port nil); nil when the host is not a valid name or literal.
    static func authority(_ text: String) -> (host: String, port: Int?)? {
        var host = Substring(text), portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard IPAddress(String(host))?.isIPv6 == true else { return nil }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard validName(host) else { return nil }
        }
        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        return (String(host).lowercased(), port)
    }

    /// A DNS name or IPv4 literal: ASCII letters, digits, '-', '_', '.', at most 253 characters.
    static func validName<S: StringProtocol>(_ name: S) -> Bool {
        !name.isEmpty && name.count <= 253 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        for start in from...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    // MARK: SOCKS5 (RFC 1928)

    private mutating func socks() -> Step {
        if !socksMethodChosen {
            guard buffer.count >= 2, buffer.count >= 2 + Int(buffer[1]) else { return .needMore }
            let methods = buffer[2..<(2 + Int(buffer[1]))]
            guard methods.contains(0x00) else {
                return .reject(reply: [0x05, 0xff], reason: "the SOCKS5 client offers no method without authentication")
            }
            buffer.removeFirst(2 + Int(buffer[1]))
            socksMethodChosen = true
            return .reply([0x05, 0x00])
        }
        guard buffer.count >= 5 else { return .needMore }
        guard buffer[0] == 0x05 else { return Self.socksReject(.generalFailure, "SOCKS5 request with version \(buffer[0])") }
        guard buffer[1] == 0x01 else { return Self.socksReject(.commandNotSupported, "SOCKS5 command \(buffer[1]) is not supported (CONNECT only)") }
        let host: String, length: Int
        switch buffer[3] {
        case 0x01:
            length = 4 + 4 + 2
            guard buffer.count >= length else { return .needMore }
            host = IPAddress(bytes: Array(buffer[4..<8]))!.description
        case 0x04:
            length = 4 + 16 + 2
            guard buffer.count >= length else { return .needMore }
            host = IPAddress(bytes: Array(buffer[4..<20]))!.description
        case 0x03:
            let nameLength = Int(buffer[4])
            length = 5 + nameLength + 2
            guard buffer.count >= length else { return .needMore }
            let name = String(decoding: buffer[5..<(5 + nameLength)], as: UTF8.self)
            guard Self.validName(name) || IPAddress(name) != nil else {
                return Self.socksReject(.generalFailure, "SOCKS5 domain name is not a valid host name")
            }
            host = name.lowercased()
        default:
            return Self.socksReject(.addressTypeNotSupported, "SOCKS5 address type \(buffer[3]) is not supported")
        }
        let port = Int(buffer[length - 2]) << 8 | Int(buffer[length - 1])
        guard port > 0 else { return Self.socksReject(.generalFailure, "SOCKS5 request for port 0") }
        return .target(ProxyTarget(host: host, port: port, proto: .socks5, upstreamBytes: Array(buffer[length...])))
    }

    private static func socksReject(_ code: ProxyReply.SOCKSCode, _ reason: String) -> Step {
        .reject(reply: ProxyReply.socks(code), reason: reason)
    }
}
