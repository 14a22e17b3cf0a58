import HrecJournal

/// What the collector answers for accepted frames (docs/collector.md, "Receipt"): how many
/// frame units it holds of the session, the chain hash they end with, when, and by which
/// collector key, signed.
public struct Receipt: Sendable, Equatable, Codable {
    /// 32 hex.
    public var sessionID: String
    /// Frame units held: the last accepted index + 1.
    public var frames: UInt64
    /// 64 hex: the chain hash in the seal of unit `frames - 1`.
    public var chainHead: String
    public var receivedAtMicros: Int64
    /// `SHA256:<hex>` of the collector's Ed25519 public key.
    public var collector: String
    /// Base64 Ed25519 signature over `signedMessage`.
    public var signature: String

    /// Domain separation of receipt signatures. Frozen: it must never change.
    static let context: [UInt8] = Array("hrec-collector-v1 receipt".utf8)

    /// `"hrec-collector-v1 receipt" ‖ session id (16) ‖ frames (u64 LE) ‖ chain head (32) ‖ receivedAtMicros (i64 LE)`;
    /// nil when the session id or the chain head is not valid hex of the right length.
    public var signedMessage: [UInt8]? {
        guard let session = SessionID(hex: sessionID), let head = Hex.decode(chainHead), head.count == 32 else { return nil }
        return Self.message(session: session, frames: frames, chainHead: head, receivedAtMicros: receivedAtMicros)
    }

    static func message(session: SessionID, frames: UInt64, chainHead: [UInt8], receivedAtMicros: Int64) -> [UInt8] {
        var bytes = context + session.bytes
        withUnsafeBytes(of: frames.littleEndian) { bytes += $0 }
        bytes += chainHead
        withUnsafeBytes(of: receivedAtMicros.littleEndian) { bytes += $0 }
        return bytes
    }
}
