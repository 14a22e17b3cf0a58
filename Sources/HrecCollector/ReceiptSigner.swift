import Crypto
import Foundation
import HrecJournal

/// Signs receipts with the collector's Ed25519 key, and checks them. The key file has the same
/// format as a journal signing key (`JournalSigner`), kept by the collector alone.
public struct ReceiptSigner: Sendable {
    let key: JournalSigner

    public init(key: JournalSigner) {
        self.key = key
    }

    /// The raw public key, which verifiers trust.
    public var publicKey: [UInt8] { key.publicKey }
    /// `SHA256:<hex>` of the public key, as receipts name it.
    public var fingerprint: String { key.fingerprint }

    /// A signed receipt for `frames` units of `session` ending in `chainHead`.
    public func receipt(session: SessionID, frames: UInt64, chainHead: [UInt8], receivedAtMicros: Int64) -> Receipt {
        let message = Receipt.message(session: session, frames: frames, chainHead: chainHead, receivedAtMicros: receivedAtMicros)
        return Receipt(sessionID: session.description, frames: frames, chainHead: Hex.encode(chainHead),
                       receivedAtMicros: receivedAtMicros, collector: fingerprint,
                       signature: Data(key.sign(message)).base64EncodedString())
    }

    /// Whether `receipt` is signed by `publicKey` and names it.
    public static func isValid(_ receipt: Receipt, publicKey: [UInt8]) -> Bool {
        guard receipt.collector == JournalSigner.fingerprint(of: publicKey), let message = receipt.signedMessage,
              let signature = Data(base64Encoded: receipt.signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
