/// The first frame of a journal: a zstd skippable frame naming the format, session and signer.
///
/// Content (68 bytes): tag `HRECJNL1`, version u16, reserved u16 (0), session id (16 bytes),
/// wall-clock start µs (i64), Ed25519 public key (32 bytes). All integers little endian.
struct Preamble: Equatable {
    var version: UInt16
    var sessionID: SessionID
    var startedAtMicros: Int64
    var signerPublicKey: [UInt8]

    static let contentSize = 68
    static let frameSize = 8 + contentSize

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.frameSize)
        writer.u32(JournalFormat.preambleMagic)
        writer.u32(UInt32(Self.contentSize))
        writer.append(JournalFormat.preambleTag)
        writer.u16(version)
        writer.u16(0)
        writer.append(sessionID.bytes)
        writer.u64(UInt64(bitPattern: startedAtMicros))
        writer.append(signerPublicKey)
        return writer.bytes
    }

    enum ParseResult {
        case preamble(Preamble)
        case truncated
        case invalid(String)
    }

    /// Parses the preamble at the start of `bytes`.
    static func parse(_ bytes: [UInt8]) -> ParseResult {
        var reader = ByteReader(bytes)
        guard let magic = reader.u32() else { return bytes.isEmpty ? .truncated : (isPrefixOfMagic(bytes) ? .truncated : .invalid("not an hrec journal")) }
        guard magic == JournalFormat.preambleMagic else { return .invalid("not an hrec journal (no preamble frame)") }
        guard let size = reader.u32() else { return .truncated }
        guard size == UInt32(contentSize) else { return .invalid("preamble has size \(size), expected \(contentSize)") }
        guard reader.remaining >= contentSize else { return .truncated }
        guard let tag = reader.take(8), Array(tag) == JournalFormat.preambleTag else { return .invalid("preamble tag is not HRECJNL1") }
        guard let version = reader.u16(), let reserved = reader.u16(), let id = reader.take(16),
              let start = reader.u64(), let key = reader.take(32), let sessionID = SessionID(bytes: Array(id)) else {
            return .truncated
        }
        guard reserved == 0 else { return .invalid("preamble reserved field is \(reserved), expected 0") }
        return .preamble(Preamble(version: version, sessionID: sessionID, startedAtMicros: Int64(bitPattern: start),
                                  signerPublicKey: Array(key)))
    }

    private static func isPrefixOfMagic(_ bytes: [UInt8]) -> Bool {
        var writer = ByteWriter()
        writer.u32(JournalFormat.preambleMagic)
        return bytes.count < 4 && Array(writer.bytes.prefix(bytes.count)) == bytes
    }
}
