import Foundation
import HrecJournal

/// A client session of the gate: who it is (from a verified OIDC token), until when, and the
/// journal its requests go to.
public struct GateSession: Sendable {
    public var token: String
    public var identity: Identity
    public var expiresAt: Date
    public var sink: any RecordSink
}

/// Issues and checks the gate's short-lived opaque tokens (random, never derived from the
/// identity token), each bound to one identity and one journal.
public actor GateSessions {
    private var sessions: [String: GateSession] = [:]
    public let lifetime: TimeInterval

    public init(lifetime: TimeInterval = 3600) {
        self.lifetime = lifetime
    }

    /// A new token for `identity`, recorded in `sink`, valid for `lifetime` but never past
    /// `notAfter` (the identity token's own expiry plus the skew).
    public func issue(for identity: Identity, sink: any RecordSink, notAfter: Date? = nil, now: Date = Date()) -> GateSession {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "hrec1." + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let session = GateSession(token: token, identity: identity, expiresAt: min(now.addingTimeInterval(lifetime), notAfter ?? .distantFuture),
                                  sink: sink)
        sessions[token] = session
        sessions = sessions.filter { $0.value.expiresAt > now }
        return session
    }

    /// The live session of `token`, or nil when unknown or expired.
    public func session(for token: String, now: Date = Date()) -> GateSession? {
        guard let session = sessions[token], session.expiresAt > now else { return nil }
        return session
    }
}
