import Crypto
import Foundation

/// The signer keys a verifier accepts.
///
/// By default: the local user's own signing key, and every `*.pub` file in
/// `$XDG_CONFIG_HOME/hrec/trusted-signers/`. `anySigner` accepts whatever key a journal names
/// (integrity is still checked, but authorship is not).
public struct JournalTrust: Sendable {
    /// Raw Ed25519 public keys.
    public var keys: Set<[UInt8]>
    /// Accept any signer (the journal is still checked against its own key).
    public var anySigner: Bool

    public init(keys: Set<[UInt8]> = [], anySigner: Bool = false) {
        self.keys = keys
        self.anySigner = anySigner
    }

    /// The local user's key (if any) plus the trusted-signers directory, plus `extraFiles`.
    /// - Throws: `JournalError.key` when an extra file is not a public key.
    public static func local(extraFiles: [URL] = [], anySigner: Bool = false) throws(JournalError) -> JournalTrust {
        var trust = JournalTrust(anySigner: anySigner)
        let ownPublic = JournalSigner.defaultURL.appendingPathExtension("pub")
        if let key = try? publicKey(contentsOf: ownPublic) { trust.keys.insert(key) }
        let directory = JournalSigner.configDirectory.appendingPathComponent("trusted-signers")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasSuffix(".pub") {
            if let key = try? publicKey(contentsOf: directory.appendingPathComponent(name)) { trust.keys.insert(key) }
        }
        for file in extraFiles { trust.keys.insert(try publicKey(contentsOf: file)) }
        return trust
    }

    /// Whether journals signed by `publicKey` are accepted.
    public func accepts(_ publicKey: [UInt8]) -> Bool {
        anySigner || keys.contains(publicKey)
    }

    /// Reads a public key file (`hrec-ed25519-public-key-v1` + base64).
    public static func publicKey(contentsOf url: URL) throws(JournalError) -> [UInt8] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw .key(path: url.path, reason: "cannot read it")
        }
        let lines = text.split(separator: "\n")
        guard lines.count >= 2, lines[0] == publicHeader, let raw = Data(base64Encoded: String(lines[1])), raw.count == 32 else {
            throw .key(path: url.path, reason: "not an hrec Ed25519 public key")
        }
        return Array(raw)
    }

    /// The text of a public key file.
    public static func publicKeyText(_ key: [UInt8]) -> String {
        "\(publicHeader)\n\(Data(key).base64EncodedString())\n\(JournalSigner.fingerprint(of: key))\n"
    }

    static let publicHeader = "hrec-ed25519-public-key-v1"

    /// Checks an Ed25519 signature.
    static func isValid(signature: ArraySlice<UInt8>, message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(Array(signature), for: message)
    }
}
