import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes one journal file: append-only, one owner, not thread-safe (see `JournalAppender`).
///
/// Records accumulate in a pending frame; `flush()` compresses it into one independent zstd
/// frame, extends the hash chain, signs a seal and appends seal + frame in one `write(2)`.
/// `close(end:)` writes the end record in a final frame, then the seek index, and fsyncs.
public final class JournalWriter {
    /// Flush and durability settings.
    public struct Options: Sendable {
        /// Flush a frame once this many uncompressed bytes are pending.
        public var frameBytes: Int = JournalFormat.defaultFrameBytes
        /// Flush a frame once its oldest record is this old (used by `JournalAppender`).
        public var flushIntervalMicros: UInt64 = JournalFormat.defaultFlushIntervalMicros
        /// fsync at most this often (also at close).
        public var syncIntervalMicros: UInt64 = 1_000_000
        /// zstd level.
        public var compressionLevel: Int32 = JournalFormat.defaultCompressionLevel
        /// Disk space kept allocated past the end of the file (`fallocate` with KEEP_SIZE), so the
        /// records that say why a session stopped (a marker, the end record, the seek index) can
        /// still be written when the filesystem fills. 0 disables it.
        public var reserveBytes: Int = JournalFormat.defaultReserveBytes
        public init() {}
    }

    /// What was written, for the caller's final message.
    public struct Summary: Sendable, Equatable {
        public var records: UInt64
        public var frames: UInt64
        public var rawBytes: UInt64
        public var fileBytes: UInt64
        public var chainHead: [UInt8]
        /// Set when the path no longer named this file at close (deleted or replaced).
        public var displacement: JournalDisplacement?
        /// Where the records were saved when the path no longer named this file.
        public var recoveredTo: URL?
    }

    public let url: URL
    public let options: Options
    let fd: FileDescriptor
    private let signer: JournalSigner
    private let compressor: ZstdCompressor
    private var pending: [UInt8] = []
    private var pendingCount: UInt32 = 0
    private var pendingFirstTime: UInt64 = 0
    private var pendingLastTime: UInt64 = 0
    private var chainHash: [UInt8]
    private var nextFrame: UInt64 = 0
    private var nextRecord: UInt64 = 0
    private(set) var fileOffset: UInt64 = 0
    private var rawBytes: UInt64 = 0
    private var index: [SeekIndex.Entry] = []
    private var lastSyncMicros: UInt64 = 0
    private var syncedOffset: UInt64 = 0
    private var closed = false
    /// Offset up to which `fallocate` reserved space (0 when none).
    var reservedUntil: UInt64 = 0
    private(set) var counts: [RecordKind: UInt64] = [:]
    private(set) var outputBytes: UInt64 = 0
    private(set) var inputBytes: UInt64 = 0

    /// Creates `url` (which must not exist), writes the preamble and the header record.
    /// The header's signer fields are filled in from `signer`.
    /// - Throws: `JournalError.io` when the file cannot be created or written.
    public init(url: URL, header: SessionHeader, signer: JournalSigner, options: Options = Options()) throws(JournalError) {
        self.url = url
        self.options = options
        self.signer = signer
        compressor = try ZstdCompressor(level: options.compressionLevel)
        do {
            // Readable too: if the path is deleted or replaced, the records are saved from this descriptor.
            fd = try FileDescriptor.open(url.path, O_RDWR | O_CREAT | O_EXCL | O_APPEND, mode: 0o600)
        } catch {
            throw .io(path: url.path, operation: "create journal", errno: error.rawValue)
        }
        let preamble = Preamble(version: UInt16(JournalFormat.version), sessionID: header.sessionID,
                                startedAtMicros: header.startedAtMicros, signerPublicKey: signer.publicKey).encoded()
        chainHash = FrameSeal.chainSeed(preamble: preamble)
        try write(preamble)
        try? reserve()  // a disk already full shows as a stall at the first write
        var header = header
        header.signerPublicKey = Data(signer.publicKey).base64EncodedString()
        header.signerFingerprint = signer.fingerprint
        try append(Record(time: 0, body: .header(header)))
    }

    deinit {
        if !closed { fd.close() }
    }

    /// Whether records are waiting for the next flush.
    public var hasPending: Bool { pendingCount > 0 }
    /// Time of the oldest pending record.
    public var pendingSince: UInt64 { pendingFirstTime }

    /// Adds a record to the pending frame, flushing when the frame is full.
    public func append(_ record: Record) throws(JournalError) {
        try add(record)
        if pending.count >= options.frameBytes { try flush() }
    }

    /// Uncompressed bytes waiting for the next flush.
    public var pendingBytes: Int { pending.count }

    /// Adds a record to the pending frame without flushing.
    func add(_ record: Record) throws(JournalError) {
        precondition(!closed, "append after close")
        do {
            try RecordCodec.encode(record, into: &pending)
        } catch {
            throw .invalidEvent("cannot encode \(record.kind.name) record: \(error)")
        }
        if pendingCount == 0 { pendingFirstTime = record.time }
        pendingLastTime = max(pendingLastTime, record.time)
        pendingCount += 1
        counts[record.kind, default: 0] += 1
        switch record.body {
        case let .output(bytes): outputBytes += UInt64(bytes.count)
        case let .input(bytes): inputBytes += UInt64(bytes.count)
        default: break
        }
    }

    /// Seals the pending records into a frame (no-op when none are pending); with `syncing`,
    /// fsyncs when the sync interval has passed since the last fsync (else `syncIfDue` does).
    /// When the write fails (or is short, e.g. ENOSPC), the file is cut back to the end of the
    /// last complete frame and the records stay pending, so a later `flush` can write them: a
    /// failed write never leaves a torn frame.
    public func flush(final: Bool = false, syncing: Bool = true) throws(JournalError) {
        guard pendingCount > 0 else { return }
        let compressed = try compressor.compress(pending)
        var seal = FrameSeal(flags: final ? JournalFormat.sealFlagFinal : 0, frameIndex: nextFrame, firstRecord: nextRecord,
                             recordCount: pendingCount, firstTime: pendingFirstTime, lastTime: pendingLastTime,
                             rawLength: UInt32(pending.count), compressedLength: UInt32(compressed.count),
                             chainHash: [], signature: [])
        seal.chainHash = seal.computeChainHash(previous: chainHash, data: compressed[...])
        seal.signature = signer.sign(seal.signedMessage)
        let entry = SeekIndex.Entry(offset: fileOffset, firstRecord: nextRecord, firstTime: pendingFirstTime)
        try write(seal.encoded() + compressed)
        index.append(entry)
        chainHash = seal.chainHash
        nextFrame += 1
        nextRecord += UInt64(pendingCount)
        rawBytes += UInt64(pending.count)
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
        if syncing { try syncIfDue() }
    }

    /// Whether written bytes wait for an fsync whose interval has passed.
    public var syncDue: Bool {
        syncedOffset < fileOffset && SessionClock.monotonicMicros() &- lastSyncMicros >= options.syncIntervalMicros
    }

    /// fsyncs when written bytes wait and the sync interval has passed since the last fsync.
    public func syncIfDue() throws(JournalError) {
        guard syncDue else { return }
        try sync()
        lastSyncMicros = SessionClock.monotonicMicros()
    }

    /// Writes the end record (counts filled in) in a final frame, the seek index, and fsyncs.
    @discardableResult
    public func close(end: SessionEnd, at time: UInt64) throws(JournalError) -> Summary {
        var end = end
        var counts = Dictionary(uniqueKeysWithValues: self.counts.map { ($0.key.name, $0.value) })
        counts["end"] = 1
        end.counts = counts
        end.outputBytes = outputBytes
        end.inputBytes = inputBytes
        try add(Record(time: time, body: .end(end)))
        try flush(final: true)
        let seekIndex = SeekIndex(entries: index, chainHead: chainHash)
        try write(seekIndex.encoded(signer: signer))
        // Give back the reserve past the end of the file.
        if reservedUntil > fileOffset { _ = ftruncate(fd.rawValue, off_t(fileOffset)) }
        try sync()
        var summary = Summary(records: nextRecord, frames: nextFrame, rawBytes: rawBytes, fileBytes: fileOffset, chainHead: chainHash)
        summary.displacement = displacement()
        if summary.displacement != nil { summary.recoveredTo = try saveCopy() }
        closed = true
        fd.close()
        return summary
    }

    /// Flushes what is pending and closes the file without an end record (the journal then
    /// reads as truncated). For crash simulations and fatal errors.
    public func abandon() {
        guard !closed else { return }
        try? flush()
        closed = true
        fd.close()
    }

    /// Appends `bytes` entirely or not at all: after a failed or short write the file is cut
    /// back to `fileOffset` (the end of the last complete frame).
    private func write(_ bytes: [UInt8]) throws(JournalError) {
        do {
            try fd.writeAll(bytes)
        } catch {
            if ftruncate(fd.rawValue, off_t(fileOffset)) != 0 {
                throw .io(path: url.path, operation: "cut a torn write back to byte \(fileOffset) of journal", errno: errno)
            }
            throw .io(path: url.path, operation: "write journal", errno: error.rawValue)
        }
        fileOffset += UInt64(bytes.count)
    }

    private func sync() throws(JournalError) {
        do {
            try fd.sync()
            syncedOffset = fileOffset
        } catch {
            throw .io(path: url.path, operation: "fsync journal", errno: error.rawValue)
        }
    }
}
