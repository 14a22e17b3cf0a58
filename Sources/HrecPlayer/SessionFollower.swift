import Foundation
import HrecJournal

/// Reads a journal that is still being written: each poll returns the records of frames completed
/// since the last one. Frames are append-only, so positions already read never change.
public struct SessionFollower {
    public let url: URL
    private var framesRead = 0
    public private(set) var finished = false

    public init(url: URL) { self.url = url }

    /// Records of the frames completed since the last poll; empty when nothing new. Waits for the
    /// first frame quietly (a session that just started has not flushed its header yet).
    /// - Throws: `JournalError` when the file is not a journal or a frame cannot be decoded.
    public mutating func poll() throws -> [Record] {
        let reader: JournalReader
        do {
            reader = try JournalReader(url: url)
        } catch let error {
            if case .truncated = error { return [] }
            throw error
        }
        if case let .malformed(offset, reason) = reader.ending {
            throw JournalError.malformed(path: url.path, offset: offset, reason: reason)
        }
        var records: [Record] = []
        for position in framesRead..<reader.frames.count { records += try reader.records(inFrame: position) }
        framesRead = reader.frames.count
        if case .complete = reader.ending { finished = true }
        return records
    }
}
