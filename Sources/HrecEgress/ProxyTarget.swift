/// Which of the three proxy protocols a client spoke.
public enum ProxyProtocol: String, Sendable, Equatable, Codable {
    /// HTTP `CONNECT host:port` (HTTPS_PROXY): a tunnel.
    case connect
    /// A plain HTTP request in absolute form (`GET http://host/path`, HTTP_PROXY with http:// URLs).
    case http
    /// SOCKS5 CONNECT, no authentication (ALL_PROXY=socks5h://…).
    case socks5
}

/// Where a client asked to go, as read from its first bytes.
public struct ProxyTarget: Sendable, Equatable {
    /// The host as the client named it (a name or an IP literal, without brackets), lower-cased.
    public var host: String
    public var port: Int
    public var proto: ProxyProtocol
    /// Bytes to send upstream once connected: for `http` the rewritten request head, then
    /// whatever the client sent after its handshake (a TLS ClientHello, a request body).
    public var upstreamBytes: [UInt8]

    /// A target.
    public init(host: String, port: Int, proto: ProxyProtocol, upstreamBytes: [UInt8] = []) {
        self.host = host
        self.port = port
        self.proto = proto
        self.upstreamBytes = upstreamBytes
    }
}
