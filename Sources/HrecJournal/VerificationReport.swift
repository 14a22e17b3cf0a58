/// The result of verifying one journal.
public struct VerificationReport: Sendable, Equatable {
    /// What is wrong, if anything. The first problem found; everything before it is intact.
    public enum ProblemKind: String, Sendable, Equatable, Codable {
        /// A frame's bytes or a seal's fields differ from what was signed.
        case modified
        /// Frames are absent between two present ones.
        case missing
        /// Frames appear out of order.
        case reordered
        /// A frame appears twice.
        case duplicated
        /// The file stops before the end record: intact before the cut, not tampered with.
        case truncated
        /// A seal's signature does not verify under the journal's key.
        case badSignature = "bad signature"
        /// Intact, but signed by a key the verifier does not trust.
        case unknownSigner = "unknown signer"
        /// The bytes are not a journal frame at all, or a signed frame cannot be decoded.
        case malformed
    }

    /// The first problem: what, where (frame position and byte offset) and details.
    public struct Problem: Sendable, Equatable {
        public var kind: ProblemKind
        /// Position of the first bad frame in the file, when a frame is concerned.
        public var frame: Int?
        public var offset: UInt64
        public var detail: String
    }

    public var path: String
    public var problem: Problem?
    /// Frames that verified, from the start.
    public var intactFrames: Int
    /// Bytes from the start of the file that verified.
    public var intactBytes: UInt64
    /// Records in the intact frames.
    public var intactRecords: UInt64
    /// Time of the last intact record, µs.
    public var intactUntil: UInt64
    /// Chain hash after the last intact frame, hex.
    public var chainHead: String
    public var signerFingerprint: String?
    public var signerTrusted: Bool
    /// True when the journal ended with its end record and seek index.
    public var complete: Bool

    /// Intact, complete, and signed by a trusted key.
    public var isIntact: Bool { problem == nil }
    /// Truncated but intact before the cut.
    public var isTruncatedOnly: Bool { problem?.kind == .truncated }
}
