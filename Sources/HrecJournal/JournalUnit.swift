/// One frame unit of a journal, the collector's unit of transfer (docs/collector.md): a seal
/// followed by its data frame, byte for byte as in the file.
public struct JournalUnit: Sendable, Equatable {
    let seal: FrameSeal
    /// The seal and the data frame.
    public let bytes: [UInt8]

    /// The frame index in the seal.
    public var index: UInt64 { seal.frameIndex }
    /// The chain hash in the seal.
    public var chainHash: [UInt8] { seal.chainHash }
    /// Whether the frame holds the end record.
    public var isFinal: Bool { seal.isFinal }

    /// What `parse` found at an offset.
    public enum ParseResult: Sendable {
        /// A whole unit; the next one starts at `next`.
        case unit(JournalUnit, next: Int)
        /// The bytes end inside the unit.
        case truncated
        /// Not a unit (the reason says why).
        case invalid(String)
    }

    /// Parses the unit starting at `offset` of `bytes` (seal and data frame lengths only; nothing
    /// is verified: see `problem(previousChain:publicKey:)`).
    public static func parse(_ bytes: [UInt8], at offset: Int) -> ParseResult {
        switch FrameSeal.parse(bytes, at: offset) {
        case .truncated: return .truncated
        case let .invalid(reason): return .invalid(reason)
        case let .seal(seal):
            let end = offset + FrameSeal.frameSize + Int(seal.compressedLength)
            guard end <= bytes.count else { return .truncated }
            return .unit(JournalUnit(seal: seal, bytes: Array(bytes[offset..<end])), next: end)
        }
    }

    /// Why this unit does not extend the chain ending in `previousChain` under `publicKey`
    /// (its signature, or its chain hash, does not verify); nil when it does.
    public func problem(previousChain: [UInt8], publicKey: [UInt8]) -> String? {
        guard JournalTrust.isValid(signature: seal.signature[...], message: seal.signedMessage, publicKey: publicKey) else {
            return "the seal of frame \(index) does not verify with the preamble's key (modified, or signed by another key)"
        }
        let data = bytes[FrameSeal.frameSize...]
        guard seal.computeChainHash(previous: previousChain, data: data) == seal.chainHash else {
            return "frame \(index) does not extend the chain (its bytes differ from what was signed, or it follows another frame)"
        }
        return nil
    }

    /// The session header, when this is frame 0 and it decodes.
    public func header() -> SessionHeader? {
        let frame = JournalReader.Frame(
            position: 0, offset: 0, sealedIndex: seal.frameIndex, firstRecord: seal.firstRecord, recordCount: seal.recordCount,
            firstTime: seal.firstTime, lastTime: seal.lastTime, rawLength: seal.rawLength,
            compressedLength: seal.compressedLength, isFinal: seal.isFinal)
        guard index == 0, let records = try? JournalReader.decode(bytes, frame: frame, decompressor: ZstdDecompressor()),
              case let .header(header)? = records.first?.body else { return nil }
        return header
    }
}
