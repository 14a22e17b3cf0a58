/// A journal cut into the collector's parts (docs/collector.md): the preamble, the frame units
/// in order, and the seek index when present. Concatenated they give back the file.
public struct JournalParts: Sendable {
    /// The 76 preamble bytes.
    public var preamble: [UInt8]
    /// The frame units, in file order.
    public var units: [JournalUnit]
    /// The seek index frame, when the journal was closed.
    public var index: [UInt8]?
    /// Where parsing stopped early (a cut or damaged file), with the reason; nil when the whole file was read.
    public var stop: String?

    /// Splits journal bytes, stopping quietly at the first thing that is not a unit (see `stop`).
    /// - Throws: `JournalError.malformed` when the preamble is missing or invalid.
    public init(bytes: [UInt8], path: String = "journal") throws(JournalError) {
        _ = try Self.preambleFields(bytes, path: path)
        preamble = Array(bytes[0..<Preamble.frameSize])
        units = []
        var offset = Preamble.frameSize
        while offset < bytes.count {
            var reader = ByteReader(bytes, position: offset)
            if reader.u32() == JournalFormat.indexMagic {
                index = Array(bytes[offset...])
                return
            }
            switch JournalUnit.parse(bytes, at: offset) {
            case let .unit(unit, next):
                units.append(unit)
                offset = next
            case .truncated:
                stop = "the file ends inside frame \(units.count)"
                return
            case let .invalid(reason):
                stop = "byte \(offset): \(reason)"
                return
            }
        }
    }

    /// The session id and signer key of a preamble.
    /// - Throws: `JournalError.malformed` naming `path` when `bytes` does not start with a preamble.
    public static func preambleFields(_ bytes: [UInt8], path: String) throws(JournalError) -> (sessionID: SessionID, publicKey: [UInt8]) {
        switch Preamble.parse(bytes) {
        case let .preamble(preamble):
            guard Int(preamble.version) == JournalFormat.version else {
                throw .unsupportedVersion(path: path, version: Int(preamble.version))
            }
            return (preamble.sessionID, preamble.signerPublicKey)
        case .truncated: throw .truncated(path: path, offset: UInt64(bytes.count), reason: "the bytes end inside the preamble")
        case let .invalid(reason): throw .malformed(path: path, offset: 0, reason: reason)
        }
    }

    /// chain(-1): the SHA-256 of the preamble, which frame 0 extends.
    public static func chainSeed(preamble: [UInt8]) -> [UInt8] {
        FrameSeal.chainSeed(preamble: preamble)
    }

    /// The frame count and chain head a seek index frame signs, after checking its signature
    /// with `publicKey`; the reason when it is not a valid index.
    public static func indexSummary(_ bytes: [UInt8], publicKey: [UInt8]) -> Result<(frames: Int, chainHead: [UInt8]), IndexProblem> {
        switch SeekIndex.parse(bytes, at: 0, publicKey: publicKey) {
        case let .index(index, _): return .success((index.entries.count, index.chainHead))
        case .absent: return .failure(IndexProblem(reason: "not a seek index"))
        case let .invalid(reason): return .failure(IndexProblem(reason: reason))
        }
    }

    /// Why bytes are not a valid seek index.
    public struct IndexProblem: Error, Sendable {
        public var reason: String
    }
}

extension JournalParts {
    /// The size of a preamble frame (76 bytes).
    public static var preambleSize: Int { Preamble.frameSize }
}
