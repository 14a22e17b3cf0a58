import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Ed25519 key that signs a journal's seals.
///
/// Created on first use in `$XDG_CONFIG_HOME/hrec/signing-key` (default `~/.config/hrec/`)
/// with mode 0600; its public half is written beside it as `signing-key.pub`.
public struct JournalSigner: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    /// The raw 32-byte public key.
    public var publicKey: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }
    /// `SHA256:` followed by the hex SHA-256 of the public key.
    public var fingerprint: String { JournalSigner.fingerprint(of: publicKey) }

    /// A fresh random key (tests, or first use).
    public init() {
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// Loads a key written by `write(to:)`.
    /// - Throws: `JournalError.key` when the file is missing, unreadable or not a key.
    public init(contentsOf url: URL) throws(JournalError) {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .key(path: url.path, reason: "cannot read it")
        }
        let lines = text.split(separator: "\n")
        guard lines.count >= 2, lines[0] == Self.privateHeader, let raw = Data(base64Encoded: String(lines[1])),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .key(path: url.path, reason: "not an hrec Ed25519 private key")
        }
        privateKey = key
    }

    /// The default key location: `$XDG_CONFIG_HOME/hrec/signing-key`.
    public static var defaultURL: URL {
        configDirectory.appendingPathComponent("signing-key")
    }

    /// `$XDG_CONFIG_HOME/hrec` or `~/.config/hrec`.
    public static var configDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("hrec")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/hrec")
    }

    /// Loads the key at `url`, creating it (mode 0600, directory 0700) when it does not exist.
    public static func loadOrCreate(at url: URL = defaultURL) throws(JournalError) -> JournalSigner {
        if FileManager.default.fileExists(atPath: url.path) {
            return try JournalSigner(contentsOf: url)
        }
        let signer = JournalSigner()
        try signer.write(to: url)
        return try JournalSigner(contentsOf: url)
    }

    /// Writes the private key (0600, refusing to overwrite) and `<name>.pub` beside it.
    public func write(to url: URL) throws(JournalError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .key(path: directory.path, reason: "cannot create the directory")
        }
        let body = "\(Self.privateHeader)\n\(privateKey.rawRepresentation.base64EncodedString())\n"
        do {
            let fd = try FileDescriptor.open(url.path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            defer { fd.close() }
            try fd.writeAll(Array(body.utf8))
        } catch {
            throw .io(path: url.path, operation: "create", errno: error.rawValue)
        }
        let publicURL = url.appendingPathExtension("pub")
        try? FileManager.default.removeItem(at: publicURL)
        do {
            try JournalTrust.publicKeyText(publicKey).write(to: publicURL, atomically: true, encoding: .utf8)
        } catch {
            throw .key(path: publicURL.path, reason: "cannot write the public key")
        }
    }

    /// Signs `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        // Ed25519 signing only fails on a broken key, which init rules out.
        guard let signature = try? privateKey.signature(for: message) else { fatalError("Ed25519 signing failed") }
        return Array(signature)
    }

    /// `SHA256:<hex>` of a raw public key.
    public static func fingerprint(of publicKey: [UInt8]) -> String {
        "SHA256:" + Hex.encode(SHA256.hash(data: publicKey))
    }

    static let privateHeader = "hrec-ed25519-private-key-v1"
}
