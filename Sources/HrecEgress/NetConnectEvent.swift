import HrecJournal

/// `net.connect`: one connection attempt through the egress proxy, appended when it ends or is
/// refused (schema: docs/gate-events.md).
public struct NetConnectEvent: Codable, Sendable, Equatable {
    /// The journal event type.
    public static let type = "net.connect"

    /// The host as the client named it (a name or an IP literal).
    public var host: String
    public var port: Int
    /// The address hrec connected to (or refused), when the name was resolved.
    public var address: String?
    /// `allow` or `deny`.
    public var decision: String
    /// The deciding rule (`default`, `allow <entry>`, `deny <entry>`, `hrec:…`).
    public var rule: String
    public var reason: String
    /// `closed` (connected, then ended), `denied`, `unreachable` (no address or connect failed),
    /// `aborted` (the client left before the connection was made).
    public var outcome: String
    /// Bytes from the client to the upstream (a forwarded HTTP request head included).
    public var bytesUp: UInt64
    /// Bytes from the upstream to the client.
    public var bytesDown: UInt64
    /// From the end of the client's handshake to the end of the connection.
    public var durationMicros: UInt64
    /// `connect`, `http` or `socks5`.
    public var `protocol`: ProxyProtocol

    /// Appends this event to `sink`, stamped now.
    func append(to sink: any RecordSink) {
        guard let event = try? JournalEvent(type: Self.type, payload: self) else { return }
        sink.append(event: event)
    }
}
