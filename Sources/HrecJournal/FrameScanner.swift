/// Walks the frames of a journal's bytes without decompressing or checking signatures.
enum FrameScanner {
    struct Result {
        var frames: [JournalReader.Frame]
        var ending: JournalReader.Ending
        /// Offset where the seek index starts, when one was found where the frames end.
        var indexOffset: Int?
    }

    /// Scans seal by seal from the end of the preamble, or from `start` when `bytes` is a later
    /// piece of a journal that begins at a frame (`finalSeen`: the final frame came before it).
    static func scan(_ bytes: [UInt8], from start: Int = Preamble.frameSize, finalSeen: Bool = false) -> Result {
        var frames: [JournalReader.Frame] = []
        var offset = start
        var lastIsFinal: Bool { frames.last?.isFinal ?? finalSeen }
        while true {
            if offset == bytes.count {
                let reason = lastIsFinal
                    ? "the seek index is missing (every record is present)"
                    : "the file ends after frame \(frames.count - 1) without an end record"
                return Result(frames: frames, ending: .truncated(offset: UInt64(offset), reason: reason))
            }
            var reader = ByteReader(bytes, position: offset)
            guard let magic = reader.u32() else {
                return Result(frames: frames, ending: .truncated(offset: UInt64(offset), reason: "the file ends inside a frame header"))
            }
            if magic == JournalFormat.indexMagic {
                guard lastIsFinal else {
                    return Result(frames: frames, ending: .malformed(offset: UInt64(offset), reason: "a seek index before the final frame"))
                }
                if let size = reader.u32(), bytes.count - offset == 8 + Int(size) {
                    return Result(frames: frames, ending: .complete(indexPresent: true), indexOffset: offset)
                }
                if let size = reader.u32(), bytes.count - offset > 8 + Int(size) {
                    return Result(frames: frames, ending: .malformed(offset: UInt64(offset), reason: "bytes after the seek index"))
                }
                return Result(frames: frames, ending: .truncated(offset: UInt64(offset), reason: "the file ends inside the seek index (every record is present)"))
            }
            switch FrameSeal.parse(bytes, at: offset) {
            case .truncated:
                return Result(frames: frames, ending: .truncated(offset: UInt64(offset), reason: "the file ends inside a frame seal"))
            case let .invalid(reason):
                return Result(frames: frames, ending: .malformed(offset: UInt64(offset), reason: reason))
            case let .seal(seal):
                if lastIsFinal {
                    return Result(frames: frames, ending: .malformed(offset: UInt64(offset), reason: "a frame after the final frame"))
                }
                let dataEnd = offset + FrameSeal.frameSize + Int(seal.compressedLength)
                guard dataEnd <= bytes.count else {
                    return Result(frames: frames, ending: .truncated(offset: UInt64(offset), reason: "the file ends inside frame \(frames.count)"))
                }
                frames.append(JournalReader.Frame(
                    position: frames.count, offset: UInt64(offset), sealedIndex: seal.frameIndex, firstRecord: seal.firstRecord,
                    recordCount: seal.recordCount, firstTime: seal.firstTime, lastTime: seal.lastTime, rawLength: seal.rawLength,
                    compressedLength: seal.compressedLength, isFinal: seal.isFinal))
                offset = dataEnd
            }
        }
    }
}

extension FrameScanner {
    /// Locates the frames through the seek index at the end of `bytes`, parsing each seal at the
    /// offset the index gives. Returns nil when there is no usable index (the caller then scans).
    static func indexed(_ bytes: [UInt8], publicKey: [UInt8]) -> Result? {
        guard case let .index(index, indexOffset) = SeekIndex.parseFromEnd(bytes, publicKey: publicKey) else { return nil }
        var frames: [JournalReader.Frame] = []
        frames.reserveCapacity(index.entries.count)
        var expectedOffset = Preamble.frameSize
        for entry in index.entries {
            guard entry.offset == UInt64(expectedOffset), case let .seal(seal) = FrameSeal.parse(bytes, at: expectedOffset),
                  seal.firstRecord == entry.firstRecord, seal.firstTime == entry.firstTime else { return nil }
            frames.append(JournalReader.Frame(
                position: frames.count, offset: entry.offset, sealedIndex: seal.frameIndex, firstRecord: seal.firstRecord,
                recordCount: seal.recordCount, firstTime: seal.firstTime, lastTime: seal.lastTime, rawLength: seal.rawLength,
                compressedLength: seal.compressedLength, isFinal: seal.isFinal))
            expectedOffset += FrameSeal.frameSize + Int(seal.compressedLength)
        }
        guard expectedOffset == indexOffset, frames.last?.isFinal == true else { return nil }
        return Result(frames: frames, ending: .complete(indexPresent: true), indexOffset: indexOffset)
    }
}
