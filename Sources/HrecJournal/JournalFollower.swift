import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Follows a journal file as it grows and cuts it into the parts a collector receives
/// (docs/collector.md): the preamble, one frame unit (seal ‖ data frame) per frame, and the
/// seek index once it is written. Only complete parts are reported: a frame still being
/// appended is left for the next `poll()`. Parts are located with `FrameScanner`; their bytes
/// are read back from the file when asked for, so a long backlog is not held in memory.
public final class JournalFollower {
    /// One frame unit: where it is in the file and what its seal says.
    public struct Unit: Sendable, Equatable {
        /// The frame index in its seal (equal to its position in a sound journal).
        public var index: UInt64
        /// Byte offset of the seal.
        public var offset: UInt64
        /// Seal and data frame, in bytes.
        public var length: Int
        /// The chain hash in the seal.
        public var chainHash: [UInt8]
        /// Whether the frame holds the end record.
        public var isFinal: Bool
        /// Uncompressed length of the frame's records.
        public var rawLength: UInt32
    }

    public let path: String
    private let fd: FileDescriptor
    /// The 76 preamble bytes, once present.
    public private(set) var preamble: [UInt8]?
    /// The session id from the preamble.
    public private(set) var sessionID: SessionID?
    /// Every complete frame unit found so far, in file order.
    public private(set) var units: [Unit] = []
    /// The seek index frame, once it is completely written.
    public private(set) var index: [UInt8]?
    /// Set when the bytes stop being a journal (the file was damaged or is not one): following stops there.
    public private(set) var problem: String?
    /// Offset up to which the file has been cut into parts.
    private var scanned: UInt64 = 0
    private let decompressor = ZstdDecompressor()
    /// The most bytes read at once (a frame unit is far smaller; a backlog is read in pieces).
    private let chunkLimit = 4 << 20

    /// Opens `path` for reading.
    /// - Throws: `JournalError.io` when it cannot be opened.
    public init(path: String) throws(JournalError) {
        self.path = path
        do {
            fd = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC)
        } catch {
            throw .io(path: path, operation: "open journal", errno: error.rawValue)
        }
    }

    deinit { fd.close() }

    /// Whether the journal is complete: the final frame and the seek index are present.
    public var isComplete: Bool { index != nil }

    /// Reads what was appended since the last call and adds the complete parts found.
    /// - Returns: whether new parts were found.
    /// - Throws: `JournalError.io` when the file cannot be read.
    @discardableResult
    public func poll() throws(JournalError) -> Bool {
        guard problem == nil, index == nil else { return false }
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0 else { throw .io(path: path, operation: "stat journal", errno: errno) }
        let size = UInt64(info.st_size)
        guard size > scanned else { return false }
        let bytes = try read(at: scanned, count: Int(min(size - scanned, UInt64(chunkLimit))))
        if preamble == nil {
            guard bytes.count >= Preamble.frameSize else { return false }
            switch Preamble.parse(bytes) {
            case .truncated: return false
            case let .invalid(reason):
                problem = "\(path): \(reason)"
                return false
            case let .preamble(parsed):
                preamble = Array(bytes[0..<Preamble.frameSize])
                sessionID = parsed.sessionID
                scanned = UInt64(Preamble.frameSize)
                _ = try poll()
                return true
            }
        }
        let result = FrameScanner.scan(bytes, from: 0, finalSeen: units.last?.isFinal ?? false)
        for frame in result.frames {
            guard case let .seal(seal) = FrameSeal.parse(bytes, at: Int(frame.offset)) else { break }
            units.append(Unit(index: seal.frameIndex, offset: scanned + frame.offset,
                              length: FrameSeal.frameSize + Int(seal.compressedLength), chainHash: seal.chainHash,
                              isFinal: seal.isFinal, rawLength: seal.rawLength))
        }
        let consumed = result.frames.last.map { Int($0.offset) + FrameSeal.frameSize + Int($0.compressedLength) } ?? 0
        switch result.ending {
        case .complete(indexPresent: true):
            if let start = result.indexOffset { index = Array(bytes[start...]) }
        case let .malformed(offset, reason):
            problem = "\(path): byte \(scanned + offset): \(reason)"
        default:
            break
        }
        scanned += UInt64(consumed)
        return !result.frames.isEmpty || index != nil
    }

    /// The bytes of `unit`, read back from the file.
    /// - Throws: `JournalError.io` when they cannot be read.
    public func bytes(of unit: Unit) throws(JournalError) -> [UInt8] {
        let bytes = try read(at: unit.offset, count: unit.length)
        guard bytes.count == unit.length else {
            throw .io(path: path, operation: "read frame \(unit.index) of journal (file shorter than before)", errno: EIO)
        }
        return bytes
    }

    /// The records of `unit` (decompressed and decoded).
    /// - Throws: `JournalError` when the unit cannot be read or decoded.
    public func records(of unit: Unit) throws(JournalError) -> [Record] {
        let bytes = try bytes(of: unit)
        guard case let .seal(seal) = FrameSeal.parse(bytes, at: 0) else {
            throw .malformed(path: path, offset: unit.offset, reason: "frame \(unit.index) has no seal")
        }
        let frame = JournalReader.Frame(position: Int(unit.index), offset: 0, sealedIndex: seal.frameIndex, firstRecord: seal.firstRecord,
                                        recordCount: seal.recordCount, firstTime: seal.firstTime, lastTime: seal.lastTime,
                                        rawLength: seal.rawLength, compressedLength: seal.compressedLength, isFinal: seal.isFinal)
        do {
            return try JournalReader.decode(bytes, frame: frame, decompressor: decompressor)
        } catch {
            throw .malformed(path: path, offset: unit.offset, reason: "frame \(unit.index): \(error.reason)")
        }
    }

    private func read(at offset: UInt64, count: Int) throws(JournalError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got: Int
            do {
                got = try FileDescriptor.retrying {
                    buffer.withUnsafeMutableBytes { pread(fd.rawValue, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
                }
            } catch {
                throw .io(path: path, operation: "read journal", errno: error.rawValue)
            }
            if got == 0 { break }
            filled += got
        }
        return Array(buffer[0..<filled])
    }
}
