import Crypto
import Foundation
import HrecJournal

/// A collector's signed statement that it holds a journal's first `frames` frame units, ending
/// in `chainHead` (docs/collector.md, "Receipt"). The recorder journals each one as a
/// `collector.receipt` event, so the local journal carries proof of what left the machine.
public struct CollectorReceipt: Codable, Sendable, Equatable {
    /// The journal event type a receipt is recorded as. Never changes.
    public static let eventType = "collector.receipt"
    /// The context string of the receipt signature. Never changes.
    static let signatureContext = Array("hrec-collector-v1 receipt".utf8)

    /// 32 hex characters.
    public var sessionID: String
    /// Frame units held: the last accepted index + 1.
    public var frames: UInt64
    /// The chain hash (64 hex) in the seal of unit `frames - 1`.
    public var chainHead: String
    public var receivedAtMicros: Int64
    /// `SHA256:` + hex of the collector's Ed25519 public key.
    public var collector: String
    /// Base64 Ed25519 signature over `signedMessage`.
    public var signature: String

    public init(sessionID: String, frames: UInt64, chainHead: String, receivedAtMicros: Int64, collector: String, signature: String) {
        self.sessionID = sessionID
        self.frames = frames
        self.chainHead = chainHead
        self.receivedAtMicros = receivedAtMicros
        self.collector = collector
        self.signature = signature
    }

    /// `"hrec-collector-v1 receipt" ‖ session id (16 bytes) ‖ frames (u64 LE) ‖ chain head (32 bytes) ‖ receivedAtMicros (i64 LE)`;
    /// nil when the session id or the chain head is not well-formed hex.
    public var signedMessage: [UInt8]? {
        guard let session = SessionID(hex: sessionID), let head = Hex.decode(chainHead), head.count == 32 else { return nil }
        var message = Self.signatureContext + session.bytes
        withUnsafeBytes(of: frames.littleEndian) { message += $0 }
        message += head
        withUnsafeBytes(of: receivedAtMicros.littleEndian) { message += $0 }
        return message
    }

    /// Whether `signature` is `publicKey`'s signature over `signedMessage` and `collector` names that key.
    public func isSigned(by publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard let message = signedMessage, let signature = Data(base64Encoded: signature),
              collector == "SHA256:" + Hex.encode(Array(SHA256.hash(data: publicKey.rawRepresentation))) else { return false }
        return publicKey.isValidSignature(signature, for: message)
    }

    /// The receipt as the journal event the recorder appends.
    /// - Throws: when it cannot be encoded (never for a decoded receipt).
    public func journalEvent() throws -> JournalEvent {
        try JournalEvent(type: Self.eventType, payload: self)
    }

    /// The receipt carried by `event`, if it is a `collector.receipt` event.
    public init?(event: JournalEvent) {
        guard event.type == Self.eventType, let receipt = try? event.decode(CollectorReceipt.self) else { return nil }
        self = receipt
    }

    /// When the collector received the frames.
    public var receivedAt: Date { Date(timeIntervalSince1970: Double(receivedAtMicros) / 1_000_000) }
}
