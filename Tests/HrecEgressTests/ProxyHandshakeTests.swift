import HrecEgress
import HrecPolicy
import Testing

/// The proxy's first-bytes parser: CONNECT, absolute-form HTTP and SOCKS5 on one listener.
@Suite struct ProxyHandshakeTests {
    static func feed(_ text: String) -> ProxyHandshake.Step {
        var handshake = ProxyHandshake()
        return handshake.feed(Array(text.utf8))
    }

    static func target(_ step: ProxyHandshake.Step) -> ProxyTarget? {
        if case let .target(target) = step { return target }
        return nil
    }

    static func rejection(_ step: ProxyHandshake.Step) -> String? {
        if case let .reject(reply, _) = step { return String(decoding: reply, as: UTF8.self) }
        return nil
    }

    @Test(arguments: [
        ("CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443\r\n\r\n", "pypi.org", 443),
        ("CONNECT PyPI.org:443 HTTP/1.0\r\n\r\n", "pypi.org", 443),
        ("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\n\r\n", "2001:db8::1", 8443),
        ("CONNECT 10.0.0.1:22 HTTP/1.1\r\nUser-Agent: curl\r\n\r\n", "10.0.0.1", 22),
    ])
    func readsConnect(_ request: String, _ host: String, _ port: Int) throws {
        let target = try #require(Self.target(Self.feed(request)))
        #expect(target.host == host && target.port == port && target.proto == .connect)
        #expect(target.upstreamBytes.isEmpty)
    }

    @Test func keepsBytesSentAfterTheHead() throws {
        let target = try #require(Self.target(Self.feed("CONNECT a.example:443 HTTP/1.1\r\n\r\n\u{16}\u{03}\u{01}")))
        #expect(target.upstreamBytes == [0x16, 0x03, 0x01])
    }

    @Test func waitsForTheWholeHeadFedByteByByte() throws {
        var handshake = ProxyHandshake()
        let bytes = Array("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example\r\n\r\n".utf8)
        for byte in bytes.dropLast() { #expect(handshake.feed([byte]) == .needMore) }
        #expect(Self.target(handshake.feed([bytes.last!]))?.host == "a.example")
    }

    @Test func rewritesAbsoluteFormRequests() throws {
        let request = "POST http://files.example:8080/up?x=1 HTTP/1.1\r\nHost: files.example:8080\r\nProxy-Connection: keep-alive\r\n"
            + "Proxy-Authorization: Basic eDp5\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc"
        let target = try #require(Self.target(Self.feed(request)))
        #expect(target.host == "files.example" && target.port == 8080 && target.proto == .http)
        #expect(String(decoding: target.upstreamBytes, as: UTF8.self) ==
            "POST /up?x=1 HTTP/1.1\r\nHost: files.example:8080\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    }

    @Test func addsHostAndDefaultsPortAndPath() throws {
        let target = try #require(Self.target(Self.feed("GET http://Example.org HTTP/1.1\r\n\r\n")))
        #expect(target.host == "example.org" && target.port == 80)
        #expect(String(decoding: target.upstreamBytes, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: Example.org\r\nConnection: close\r\n\r\n")
    }

    @Test(arguments: [
        ("GET /index.html HTTP/1.1\r\n\r\n", "400 Bad Request"),
        ("GET https://a.example/ HTTP/1.1\r\n\r\n", "go through CONNECT"),
        ("GET http://user:pw@a.example/ HTTP/1.1\r\n\r\n", "cannot read the host"),
        ("CONNECT a.example HTTP/1.1\r\n\r\n", "CONNECT needs HOST:PORT"),
        ("CONNECT a.example:0 HTTP/1.1\r\n\r\n", "CONNECT needs HOST:PORT"),
        ("CONNECT a.example:70000 HTTP/1.1\r\n\r\n", "CONNECT needs HOST:PORT"),
        ("CONNECT a/b:443 HTTP/1.1\r\n\r\n", "CONNECT needs HOST:PORT"),
        ("CONNECT [::1:443 HTTP/1.1\r\n\r\n", "CONNECT needs HOST:PORT"),
        ("CONNECT a.example:443 HTTP/2\r\n\r\n", "not an HTTP/1.x request line"),
        ("CONNECT a.example:443 HTTP/1.1\r\nX-A: 1\u{0}\r\n\r\n", "control characters"),
        ("CONNECT a.example:443 HTTP/1.1\r\n folded\r\n\r\n", "malformed header line"),
        ("\u{16}\u{03}\u{01}\u{02}", "not a proxy request"),
    ])
    func refusesMalformedRequests(_ request: String, _ expected: String) throws {
        let reply = try #require(Self.rejection(Self.feed(request)))
        #expect(reply.hasPrefix("HTTP/1.1 4"))
        #expect(reply.contains(expected), "\(reply)")
    }

    @Test func limitsTheHeadSize() throws {
        var handshake = ProxyHandshake(headerLimit: 1024)
        #expect(handshake.feed(Array("CONNECT a.example:443 HTTP/1.1\r\n".utf8)) == .needMore)
        let reply = try #require(Self.rejection(handshake.feed(Array(repeating: UInt8(ascii: "x"), count: 1100))))
        #expect(reply.hasPrefix("HTTP/1.1 431 "))
    }

    // MARK: SOCKS5

    static func socks(_ request: [UInt8], greeting: [UInt8] = [5, 1, 0]) -> (ProxyHandshake.Step, ProxyHandshake.Step) {
        var handshake = ProxyHandshake()
        let first = handshake.feed(greeting + request)
        return (first, handshake.feed([]))
    }

    @Test(arguments: [
        ([5, 1, 0, 1, 93, 184, 216, 34, 0x01, 0xbb], "93.184.216.34", 443),
        ([5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1f, 0x90], "2001:db8::1", 8080),
        ([5, 1, 0, 3, 8] + Array("PyPI.org".utf8) + [0x01, 0xbb], "pypi.org", 443),
    ] as [([UInt8], String, Int)])
    func readsSocks5Connect(_ request: [UInt8], _ host: String, _ port: Int) throws {
        let (first, second) = Self.socks(request + [0xAA])
        #expect(first == .reply([5, 0]))
        let target = try #require(Self.target(second))
        #expect(target.host == host && target.port == port && target.proto == .socks5)
        #expect(target.upstreamBytes == [0xAA])
    }

    @Test(arguments: [
        ([5, 2, 0, 1, 1, 2, 3, 4, 0, 80], [5, 7, 0, 1, 0, 0, 0, 0, 0, 0]),  // BIND
        ([5, 1, 0, 9, 1, 2, 3, 4, 0, 80], [5, 8, 0, 1, 0, 0, 0, 0, 0, 0]),  // unknown address type
        ([5, 1, 0, 3, 3, 0x61, 0x2f, 0x62, 0, 80], [5, 1, 0, 1, 0, 0, 0, 0, 0, 0]),  // "a/b"
        ([5, 1, 0, 1, 1, 2, 3, 4, 0, 0], [5, 1, 0, 1, 0, 0, 0, 0, 0, 0]),  // port 0
    ] as [([UInt8], [UInt8])])
    func refusesBadSocks5Requests(_ request: [UInt8], _ reply: [UInt8]) {
        let (_, second) = Self.socks(request)
        guard case let .reject(bytes, _) = second else { Issue.record("accepted \(request)"); return }
        #expect(bytes == reply)
    }

    @Test func refusesSocks5WithAuthenticationOnly() {
        var handshake = ProxyHandshake()
        guard case let .reject(bytes, _) = handshake.feed([5, 1, 2]) else { Issue.record("accepted"); return }
        #expect(bytes == [5, 0xff])
    }

    @Test func waitsForAWholeSocksRequest() {
        var handshake = ProxyHandshake()
        #expect(handshake.feed([5, 1]) == .needMore)
        #expect(handshake.feed([0]) == .reply([5, 0]))
        #expect(handshake.feed([]) == .needMore)
        #expect(handshake.feed([5, 1, 0, 3, 9]) == .needMore)
        #expect(handshake.feed(Array("a.example".utf8) + [0]) == .needMore)
        #expect(Self.target(handshake.feed([80]))?.host == "a.example")
    }

    @Test func deniedReplyIsOneClearLine() {
        let decision = NetworkDecision(allowed: false, rule: "hrec:metadata", reason: "the cloud metadata server is never reachable")
        let http = String(decoding: ProxyReply.denied(.connect, host: "169.254.169.254", port: 80, decision: decision), as: UTF8.self)
        #expect(http.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        #expect(http.hasSuffix("\r\n\r\nhrec: connection to 169.254.169.254:80 denied by policy (rule hrec:metadata: the cloud metadata server is never reachable)\n"))
        #expect(ProxyReply.denied(.socks5, host: "a", port: 1, decision: decision) == [5, 2, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(ProxyReply.unreachable(.socks5, host: "a", port: 1, reason: "x")[1] == 5)
    }
}
