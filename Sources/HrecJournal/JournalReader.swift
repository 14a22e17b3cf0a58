import Foundation

/// Reads a journal: its header, its frames and their records. Shared by verify, cat, play and
/// export (there is one reader).
///
/// Opening reads the file and locates every complete frame, through the seek index when the
/// journal was closed cleanly, otherwise by a scan of the seals. A journal cut short (crash,
/// copy in progress) opens fine: every complete frame before the cut is readable and
/// `ending` says where and why it stops. Integrity (hashes, signatures) is `JournalVerifier`'s job.
public final class JournalReader {
    /// One complete frame: a seal and the compressed data after it.
    public struct Frame: Sendable, Equatable {
        /// Position in the file (0-based), which equals the sealed frame index in a sound journal.
        public var position: Int
        /// Byte offset of the seal.
        public var offset: UInt64
        public var sealedIndex: UInt64
        public var firstRecord: UInt64
        public var recordCount: UInt32
        public var firstTime: UInt64
        public var lastTime: UInt64
        public var rawLength: UInt32
        public var compressedLength: UInt32
        public var isFinal: Bool
        var dataOffset: Int { Int(offset) + FrameSeal.frameSize }
    }

    /// How the file ends.
    public enum Ending: Sendable, Equatable {
        /// The final frame (with the end record) is present; `indexPresent` tells whether the seek index followed.
        case complete(indexPresent: Bool)
        /// The file stops before a final frame: cut at `offset` (a crash, or still being written).
        case truncated(offset: UInt64, reason: String)
        /// Bytes at `offset` are not a journal frame.
        case malformed(offset: UInt64, reason: String)
    }

    public let url: URL
    public let sessionID: SessionID
    /// The Ed25519 key named in the preamble.
    public let signerPublicKey: [UInt8]
    public let header: SessionHeader
    public private(set) var frames: [Frame] = []
    public private(set) var ending: Ending
    let bytes: [UInt8]
    private let decompressor = ZstdDecompressor()

    /// Opens and scans `url`.
    /// - Throws: `JournalError` when the file cannot be read, is not a journal, or its first frame
    ///   (holding the header) is missing or unreadable.
    public convenience init(url: URL) throws(JournalError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .io(path: url.path, operation: "read journal", errno: EISDIR)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let code = access(url.path, F_OK) == 0 ? EACCES : ENOENT
            throw .io(path: url.path, operation: "read journal", errno: code)
        }
        try self.init(bytes: [UInt8](data), url: url)
    }

    /// Reads journal bytes already in memory (`url` names them in errors): e.g. exactly the
    /// bytes a `JournalVerifier` checked, or the verified prefix of them.
    /// - Throws: as `init(url:)`.
    public init(bytes: [UInt8], url: URL) throws(JournalError) {
        self.url = url
        self.bytes = bytes
        let preamble: Preamble
        switch Preamble.parse(bytes) {
        case let .preamble(parsed): preamble = parsed
        case .truncated: throw .truncated(path: url.path, offset: UInt64(bytes.count), reason: "the file ends inside the preamble")
        case let .invalid(reason): throw .malformed(path: url.path, offset: 0, reason: reason)
        }
        guard Int(preamble.version) == JournalFormat.version else {
            throw .unsupportedVersion(path: url.path, version: Int(preamble.version))
        }
        sessionID = preamble.sessionID
        signerPublicKey = preamble.signerPublicKey
        // The seek index written at close when there is a sound one; otherwise a scan of the seals.
        let scan = FrameScanner.indexed(bytes, publicKey: preamble.signerPublicKey) ?? FrameScanner.scan(bytes)
        frames = scan.frames
        ending = scan.ending
        guard let first = frames.first else {
            switch ending {
            case let .malformed(offset, reason): throw .malformed(path: url.path, offset: offset, reason: reason)
            default: throw .truncated(path: url.path, offset: UInt64(bytes.count), reason: "no complete frame (the header is not there)")
            }
        }
        let firstRecords: [Record]
        do {
            firstRecords = try Self.decode(bytes, frame: first, decompressor: decompressor)
        } catch {
            throw .malformed(path: url.path, offset: first.offset, reason: "frame 0: \(error.reason)")
        }
        guard case let .header(header)? = firstRecords.first?.body else {
            throw .malformed(path: url.path, offset: first.offset, reason: "the first record is not a session header")
        }
        self.header = header
    }

    /// Keeps only the first `count` frames (the intact prefix of a damaged journal, as the
    /// verifier found it): every later read stops there.
    public func keepFrames(_ count: Int) {
        if count < frames.count { frames.removeSubrange(max(count, 0)...) }
    }

    /// Whether the journal stops before its end record.
    public var isTruncated: Bool {
        if case .complete = ending { return false }
        return true
    }

    /// Size of the file in bytes.
    public var fileSize: Int { bytes.count }

    /// Session duration in µs: the last record time of the last complete frame.
    public var duration: UInt64 { frames.last?.lastTime ?? 0 }

    /// Decodes the records of the frame at `position`.
    /// - Throws: `JournalError.malformed` naming the frame when it cannot be decoded.
    public func records(inFrame position: Int) throws(JournalError) -> [Record] {
        let frame = frames[position]
        do {
            return try Self.decode(bytes, frame: frame, decompressor: decompressor)
        } catch {
            throw .malformed(path: url.path, offset: frame.offset, reason: "frame \(position): \(error.reason)")
        }
    }

    /// Calls `body` with every record of every complete frame, in order.
    public func forEachRecord(_ body: (Record) throws -> Void) throws {
        for position in frames.indices {
            for record in try records(inFrame: position) { try body(record) }
        }
    }

    /// Every record of every complete frame.
    public func allRecords() throws(JournalError) -> [Record] {
        var all: [Record] = []
        for position in frames.indices { all += try records(inFrame: position) }
        return all
    }

    /// The position of the last frame starting at or before `time` (0 if none).
    public func framePosition(atOrBefore time: UInt64) -> Int {
        var low = 0, high = frames.count - 1, found = 0
        while low <= high {
            let mid = (low + high) / 2
            if frames[mid].firstTime <= time { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }

    /// The end record, when the journal was closed cleanly.
    public func endRecord() throws(JournalError) -> SessionEnd? {
        guard let last = frames.indices.last, frames[last].isFinal else { return nil }
        for record in try records(inFrame: last).reversed() {
            if case let .end(end) = record.body { return end }
        }
        return nil
    }

    static func decode(_ bytes: [UInt8], frame: Frame, decompressor: ZstdDecompressor) throws(PayloadError) -> [Record] {
        let data = bytes[frame.dataOffset..<frame.dataOffset + Int(frame.compressedLength)]
        let content = try decompressor.decompress(data, expectedSize: Int(frame.rawLength))
        let records: [Record]
        do {
            records = try RecordCodec.decodeAll(content)
        } catch {
            throw PayloadError("record \(error.index) at byte \(error.offset) of the frame: \(error.reason)")
        }
        guard records.count == Int(frame.recordCount) else {
            throw PayloadError("holds \(records.count) records, its seal says \(frame.recordCount)")
        }
        return records
    }
}
