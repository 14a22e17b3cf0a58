import Crypto
import Foundation
import HrecJournal

/// Signs and checks an evidence manifest with the local hrec Ed25519 key.
///
/// `JournalSigner` keeps its signing function internal to the journal library, so this reads the
/// same key file (created through `JournalSigner.loadOrCreate`) and signs with swift-crypto.
/// When the journal library exposes `JournalSigner.sign`, this type should call it instead.
public struct ManifestSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// The raw public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// Loads (creating it when absent) the hrec signing key at `url`.
    /// - Throws: `ExportError.io` when the key cannot be created, read or parsed.
    public init(keyURL url: URL = JournalSigner.defaultURL) throws(ExportError) {
        do {
            _ = try JournalSigner.loadOrCreate(at: url)
        } catch {
            throw .io(path: url.path, operation: "load the signing key", reason: error.description)
        }
        let lines = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n")
        guard lines.count >= 2, let raw = Data(base64Encoded: String(lines[1])),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .io(path: url.path, operation: "load the signing key", reason: "not an hrec Ed25519 private key")
        }
        self.key = key
    }

    /// An Ed25519 signature of `message`.
    public func sign(_ message: Data) throws(ExportError) -> Data {
        do {
            return try key.signature(for: message)
        } catch {
            throw .io(path: "manifest", operation: "sign", reason: "\(error)")
        }
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`.
    public static func isValid(signature: Data, of message: Data, publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
