/// The seek index written at close: where each frame starts, its first record and time.
///
/// A skippable frame whose content is: tag `HINDEX1`, reserved u8, entry count u32, entries
/// (offset u64, first record u64, first time µs u64), the chain head (32), an Ed25519 signature
/// (64) over `hrec-journal-v1 index` ‖ everything before it, then a footer: the whole frame's
/// size u32 and the tag `HIDX`, so a reader finds it from the end of the file.
struct SeekIndex: Equatable {
    struct Entry: Equatable {
        var offset: UInt64
        var firstRecord: UInt64
        var firstTime: UInt64
    }

    var entries: [Entry]
    var chainHead: [UInt8]

    static let footerTag: [UInt8] = Array("HIDX".utf8)

    func encoded(signer: JournalSigner) -> [UInt8] {
        let contentSize = 8 + 4 + entries.count * 24 + 32 + 64 + 8
        var writer = ByteWriter(capacity: contentSize + 8)
        writer.u32(JournalFormat.indexMagic)
        writer.u32(UInt32(contentSize))
        writer.append(JournalFormat.indexTag)
        writer.u8(0)
        writer.u32(UInt32(entries.count))
        for entry in entries {
            writer.u64(entry.offset)
            writer.u64(entry.firstRecord)
            writer.u64(entry.firstTime)
        }
        writer.append(chainHead)
        let signature = signer.sign(JournalFormat.indexSignatureContext + writer.bytes)
        writer.append(signature)
        writer.u32(UInt32(contentSize + 8))
        writer.append(Self.footerTag)
        return writer.bytes
    }

    enum ParseResult {
        case index(SeekIndex, offset: Int)
        case absent
        case invalid(String)
    }

    /// Finds and checks the index at the end of `bytes` through its footer.
    static func parseFromEnd(_ bytes: [UInt8], publicKey: [UInt8]) -> ParseResult {
        guard bytes.count >= 8, Array(bytes[(bytes.count - 4)...]) == footerTag else { return .absent }
        var footer = ByteReader(bytes, position: bytes.count - 8)
        guard let size = footer.u32(), size >= 8 + 4 + 8 + 32 + 64 + 8, Int(size) <= bytes.count else {
            return .invalid("seek index footer names an impossible size")
        }
        let start = bytes.count - Int(size)
        return parse(bytes, at: start, publicKey: publicKey)
    }

    /// Parses and checks the index frame at `offset`, which must run to the end of `bytes`.
    static func parse(_ bytes: [UInt8], at offset: Int, publicKey: [UInt8]) -> ParseResult {
        var reader = ByteReader(bytes, position: offset)
        guard let magic = reader.u32(), magic == JournalFormat.indexMagic, let contentSize = reader.u32() else {
            return .invalid("seek index frame has a bad header")
        }
        guard Int(contentSize) == reader.remaining else { return .invalid("seek index size does not reach the end of the file") }
        guard let tag = reader.take(7), Array(tag) == JournalFormat.indexTag, reader.u8() == 0, let count = reader.u32(),
              UInt64(count) * 24 + 32 + 64 + 8 == UInt64(reader.remaining) else {
            return .invalid("seek index content is malformed")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let offset = reader.u64(), let record = reader.u64(), let time = reader.u64() else { return .invalid("seek index is cut") }
            entries.append(Entry(offset: offset, firstRecord: record, firstTime: time))
        }
        guard let head = reader.take(32) else { return .invalid("seek index is cut") }
        let signedEnd = reader.position
        guard let signature = reader.take(64) else { return .invalid("seek index is cut") }
        let message = JournalFormat.indexSignatureContext + Array(bytes[offset..<signedEnd])
        guard JournalTrust.isValid(signature: signature, message: message, publicKey: publicKey) else {
            return .invalid("seek index signature does not verify")
        }
        guard reader.u32() == contentSize + 8, let tag = reader.take(4), Array(tag) == footerTag else {
            return .invalid("seek index footer is damaged")
        }
        return .index(SeekIndex(entries: entries, chainHead: Array(head)), offset: offset)
    }
}
