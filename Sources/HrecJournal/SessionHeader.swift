import Foundation

/// The first record of every journal: who, what, where and when. Stored as JSON.
public struct SessionHeader: Sendable, Equatable, Codable {
    /// Journal format version (see `JournalFormat.version`).
    public var formatVersion: Int
    /// Random 128-bit id, lower-case hex; also in the file preamble.
    public var sessionID: SessionID
    /// Wall-clock time at record time 0, microseconds since the Unix epoch.
    public var startedAtMicros: Int64
    public var host: String
    /// Login name of the OS user who ran hrec.
    public var osUser: String
    /// Verified identity (from an OIDC token), when there is one.
    public var identity: Identity?
    public var command: [String]
    public var cwd: String
    public var term: String?
    public var size: TerminalSize?
    /// Allowlisted environment variables only (never tokens or keys).
    public var environment: [String: String]
    public var hrecVersion: String
    /// SHA-256 of the policy in force, lower-case hex, when a gate runs.
    public var policyDigest: String?
    /// How the command was confined; nil in journals written before confinement existed.
    public var confinement: Confinement?
    /// Ed25519 public key that signs this journal's checkpoints, base64.
    public var signerPublicKey: String
    /// SHA-256 fingerprint of the signer key, `SHA256:` + hex.
    public var signerFingerprint: String
    /// When this journal continues an earlier one (a gate client session reopened after an
    /// idle close): which, and the chain head it ended with.
    public var previousSegment: SegmentLink?

    public init(sessionID: SessionID, startedAtMicros: Int64, host: String, osUser: String,
                identity: Identity? = nil, command: [String], cwd: String, term: String?,
                size: TerminalSize?, environment: [String: String] = [:], hrecVersion: String,
                policyDigest: String? = nil, confinement: Confinement? = nil, signerPublicKey: String = "", signerFingerprint: String = "") {
        self.formatVersion = JournalFormat.version
        self.sessionID = sessionID
        self.startedAtMicros = startedAtMicros
        self.host = host
        self.osUser = osUser
        self.identity = identity
        self.command = command
        self.cwd = cwd
        self.term = term
        self.size = size
        self.environment = environment
        self.hrecVersion = hrecVersion
        self.policyDigest = policyDigest
        self.confinement = confinement
        self.signerPublicKey = signerPublicKey
        self.signerFingerprint = signerFingerprint
    }

    /// The wall-clock start as a `Date`.
    public var startedAt: Date { Date(timeIntervalSince1970: Double(startedAtMicros) / 1_000_000) }
}

/// The journal a segment continues: its file name, session id, segment number and the chain
/// head (hex) of its last frame. Signed as part of the new segment's header.
public struct SegmentLink: Sendable, Equatable, Codable {
    /// File name of the previous segment (same directory).
    public var file: String
    /// Its session id.
    public var sessionID: String
    /// Its segment number (0 for the first).
    public var segment: Int
    /// Hex chain head of its last frame.
    public var chainHead: String

    public init(file: String, sessionID: String, segment: Int, chainHead: String) {
        self.file = file
        self.sessionID = sessionID
        self.segment = segment
        self.chainHead = chainHead
    }
}

/// A person's identity as established by the gate or given at start.
public struct Identity: Sendable, Equatable, Codable {
    public var email: String?
    public var subject: String
    public var issuer: String?
    public var groups: [String]
    /// False in dev mode (identity taken from the OS user, nothing verified).
    public var verified: Bool
    public init(email: String?, subject: String, issuer: String?, groups: [String], verified: Bool) {
        self.email = email
        self.subject = subject
        self.issuer = issuer
        self.groups = groups
        self.verified = verified
    }
}

/// The last record of a cleanly closed journal.
public struct SessionEnd: Sendable, Equatable, Codable {
    /// Exit status when the command exited normally.
    public var exitStatus: Int32?
    /// Signal number when the command was killed by a signal.
    public var signal: Int32?
    /// Wall-clock end, microseconds since the Unix epoch.
    public var endedAtMicros: Int64
    /// Records of each kind written before this one, by kind name.
    public var counts: [String: UInt64]
    /// Output and input bytes recorded.
    public var outputBytes: UInt64
    public var inputBytes: UInt64
    /// Why the session ended when it was not the command exiting (`SIGTERM to hrec`, an error...).
    public var reason: String?

    public init(exitStatus: Int32?, signal: Int32?, endedAtMicros: Int64, counts: [String: UInt64] = [:],
                outputBytes: UInt64 = 0, inputBytes: UInt64 = 0, reason: String? = nil) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.endedAtMicros = endedAtMicros
        self.counts = counts
        self.outputBytes = outputBytes
        self.inputBytes = inputBytes
        self.reason = reason
    }
}

/// A session's random 128-bit identifier, as 32 lower-case hex characters.
public struct SessionID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// A new random id.
    public init() {
        var generator = SystemRandomNumberGenerator()
        bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Parses 32 hex characters; nil otherwise.
    public init?(hex: String) {
        guard let parsed = Hex.decode(hex), parsed.count == 16 else { return nil }
        bytes = parsed
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var description: String { Hex.encode(bytes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SessionID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "session id '\(text)' is not 32 hex digits"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
