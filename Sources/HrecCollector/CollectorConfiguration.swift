import Foundation
import HrecGate
import HrecJournal
import Yams

/// The collector's settings, from a YAML file (docs/collector.md, "Configuration"):
///
/// ```yaml
/// storage:
///   directory: /var/lib/hrec/collector     # or:
///   s3:
///     endpoint: https://s3.eu-west-1.amazonaws.com
///     bucket: hrec-journals
///     prefix: team-a/
///     region: eu-west-1
///     access_key_file: /etc/hrec/s3-access-key   # else $AWS_ACCESS_KEY_ID
///     secret_key_file: /etc/hrec/s3-secret-key   # else $AWS_SECRET_ACCESS_KEY
///     object_lock_days: 365
/// signing_key: /etc/hrec/collector-key            # created on first use
/// identity: { issuer: ..., audience: [...], jwks: ... }   # as the gate's
/// ```
public struct CollectorConfiguration: Sendable, Decodable {
    public struct Storage: Sendable, Decodable {
        public var directory: String?
        public var s3: S3?
    }

    public struct S3: Sendable, Decodable {
        public var endpoint: String
        public var bucket: String
        public var prefix: String?
        public var region: String?
        public var accessKeyFile: String?
        public var secretKeyFile: String?
        public var objectLockDays: Int?

        enum CodingKeys: String, CodingKey {
            case endpoint, bucket, prefix, region
            case accessKeyFile = "access_key_file"
            case secretKeyFile = "secret_key_file"
            case objectLockDays = "object_lock_days"
        }
    }

    public var storage: Storage
    public var signingKey: String?
    public var identity: GateConfiguration.IdentitySettings?
    /// Token subjects that may upload any session's journal but read none (a standalone gate
    /// shipping its clients' journals).
    public var uploaders: [String]?
    /// Token subjects that may read and list every session (auditors).
    public var readers: [String]?

    enum CodingKeys: String, CodingKey {
        case storage, identity, uploaders, readers
        case signingKey = "signing_key"
    }

    /// Reads a YAML file.
    /// - Throws: `CollectorError.configuration` naming the file and the problem.
    public static func load(path: String) throws(CollectorError) -> CollectorConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw .configuration("cannot read '\(path)'") }
        do {
            return try YAMLDecoder().decode(CollectorConfiguration.self, from: String(decoding: data, as: UTF8.self))
        } catch {
            throw .configuration("'\(path)': \(error)")
        }
    }

    /// The store the settings name.
    /// - Throws: `CollectorError.configuration` when neither or both of `directory` and `s3` are
    ///   given, or the S3 credentials cannot be read.
    public func store(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CollectorError) -> any PartStore {
        switch (storage.directory, storage.s3) {
        case let (directory?, nil):
            return try FileStore(root: URL(fileURLWithPath: directory))
        case let (nil, s3?):
            let accessKey = try Self.secret(file: s3.accessKeyFile, variable: "AWS_ACCESS_KEY_ID", environment: environment)
            let secretKey = try Self.secret(file: s3.secretKeyFile, variable: "AWS_SECRET_ACCESS_KEY", environment: environment)
            if let days = s3.objectLockDays, days <= 0 { throw .configuration("storage.s3.object_lock_days must be positive") }
            var prefix = s3.prefix ?? ""
            if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
            return try S3Store(settings: .init(endpoint: s3.endpoint, bucket: s3.bucket, prefix: prefix,
                                               region: s3.region ?? environment["AWS_REGION"] ?? "us-east-1",
                                               accessKey: accessKey, secretKey: secretKey, objectLockDays: s3.objectLockDays))
        default:
            throw .configuration("storage needs exactly one of directory: or s3:")
        }
    }

    /// The collector's receipt key: `signing_key`, else `$XDG_CONFIG_HOME/hrec/collector-key`; created when missing.
    /// - Throws: `CollectorError.configuration` when it cannot be read or created.
    public func receiptSigner() throws(CollectorError) -> ReceiptSigner {
        let url = signingKey.map { URL(fileURLWithPath: $0) } ?? JournalSigner.configDirectory.appendingPathComponent("collector-key")
        do {
            return ReceiptSigner(key: try JournalSigner.loadOrCreate(at: url))
        } catch {
            throw .configuration("collector key: \(error)")
        }
    }

    private static func secret(file: String?, variable: String, environment: [String: String]) throws(CollectorError) -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw .configuration("cannot read '\(file)'") }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .configuration("'\(file)' is empty") }
            return text
        }
        guard let value = environment[variable], !value.isEmpty else {
            throw .configuration("storage.s3 needs \(variable == "AWS_ACCESS_KEY_ID" ? "access_key_file" : "secret_key_file") or $\(variable)")
        }
        return value
    }
}
