import Crypto

/// The skippable frame written just before each data frame: what the data frame holds, the
/// chain hash through it, and an Ed25519 signature over both.
///
/// Content (148 bytes; 156 with the skippable-frame header): tag `HSEAL1`, flags u8, reserved u8, frame index u64, first record u64,
/// record count u32, first time µs u64, last time µs u64, raw length u32, compressed length u32
/// (52 bytes of fields), chain hash (32), signature (64).
///
/// chain(i) = SHA-256(chain(i-1) ‖ fields(i) ‖ compressed data(i)), chain(-1) = SHA-256(preamble frame).
/// signature(i) = Ed25519(`hrec-journal-v1 seal` ‖ fields(i) ‖ chain(i)).
struct FrameSeal: Equatable {
    var flags: UInt8
    var frameIndex: UInt64
    var firstRecord: UInt64
    var recordCount: UInt32
    var firstTime: UInt64
    var lastTime: UInt64
    var rawLength: UInt32
    var compressedLength: UInt32
    var chainHash: [UInt8]
    var signature: [UInt8]

    static let fieldsSize = 52
    static let contentSize = fieldsSize + 32 + 64
    static let frameSize = 8 + contentSize

    var isFinal: Bool { flags & JournalFormat.sealFlagFinal != 0 }

    /// The 52 bytes of fields that the hash and the signature cover.
    var fields: [UInt8] {
        var writer = ByteWriter(capacity: Self.fieldsSize)
        writer.append(JournalFormat.sealTag)
        writer.u8(flags)
        writer.u8(0)
        writer.u64(frameIndex)
        writer.u64(firstRecord)
        writer.u32(recordCount)
        writer.u64(firstTime)
        writer.u64(lastTime)
        writer.u32(rawLength)
        writer.u32(compressedLength)
        return writer.bytes
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.frameSize)
        writer.u32(JournalFormat.sealMagic)
        writer.u32(UInt32(Self.contentSize))
        writer.append(fields)
        writer.append(chainHash)
        writer.append(signature)
        return writer.bytes
    }

    /// chain(i) from the previous hash, these fields and the compressed data.
    func computeChainHash(previous: [UInt8], data: ArraySlice<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: fields)
        data.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }

    var signedMessage: [UInt8] { JournalFormat.signatureContext + fields + chainHash }

    enum ParseResult {
        case seal(FrameSeal)
        case truncated
        case invalid(String)
    }

    /// Parses a seal frame whose magic has already been read at `offset`.
    static func parse(_ bytes: [UInt8], at offset: Int) -> ParseResult {
        var reader = ByteReader(bytes, position: offset)
        guard let magic = reader.u32(), let size = reader.u32() else { return .truncated }
        guard magic == JournalFormat.sealMagic else { return .invalid("expected a frame seal") }
        guard size == UInt32(contentSize) else { return .invalid("frame seal has size \(size), expected \(contentSize)") }
        guard reader.remaining >= contentSize else { return .truncated }
        guard let tag = reader.take(6), Array(tag) == JournalFormat.sealTag else { return .invalid("frame seal tag is not HSEAL1") }
        guard let flags = reader.u8(), let reserved = reader.u8(), let index = reader.u64(), let first = reader.u64(),
              let count = reader.u32(), let firstTime = reader.u64(), let lastTime = reader.u64(),
              let raw = reader.u32(), let compressed = reader.u32(), let hash = reader.take(32), let signature = reader.take(64) else {
            return .truncated
        }
        guard reserved == 0, flags & ~JournalFormat.sealFlagFinal == 0 else { return .invalid("frame seal has unknown flags") }
        return .seal(FrameSeal(flags: flags, frameIndex: index, firstRecord: first, recordCount: count,
                               firstTime: firstTime, lastTime: lastTime, rawLength: raw, compressedLength: compressed,
                               chainHash: Array(hash), signature: Array(signature)))
    }

    /// SHA-256 of the preamble frame: the chain's seed.
    static func chainSeed(preamble: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: preamble))
    }
}
