import HrecJournal

/// A local journal compared, part by part, with what a collector holds of it.
public struct JournalComparison: Sendable, Equatable {
    /// Frame units the collector holds.
    public var collectedFrames: Int
    /// Frame units in the local file.
    public var localFrames: Int
    /// Whether the collector holds the seek index.
    public var indexCollected: Bool
    /// The first difference, when there is one.
    public var divergence: Divergence?

    /// Where the local journal first differs from what was collected.
    public struct Divergence: Sendable, Equatable {
        /// The frame; nil for the preamble or the index.
        public var frame: Int?
        public var detail: String
    }

    /// Compares `local` with the collected preamble, units (in index order) and index.
    public init(local: JournalParts, preamble: [UInt8], units: [[UInt8]], index: [UInt8]?) {
        collectedFrames = units.count
        localFrames = local.units.count
        indexCollected = index != nil
        if preamble != local.preamble {
            divergence = Divergence(frame: nil, detail: "the local preamble differs from the collected one (another session or signer)")
            return
        }
        for (position, collected) in units.enumerated() {
            guard position < local.units.count else {
                divergence = Divergence(frame: position, detail: "frame \(position) was collected but is missing from the local journal "
                              + "(the collector holds \(units.count) frames, the file \(local.units.count))")
                return
            }
            let mine = local.units[position].bytes
            if mine != collected {
                let collectedHead = Self.chainHead(collected).map { String($0.prefix(16)) } ?? "?"
                divergence = Divergence(frame: position, detail: "frame \(position) differs from the collected one (local chain \(Hex.encode(local.units[position].chainHash).prefix(16)), "
                              + "collected chain \(collectedHead))")
                return
            }
        }
        if let index, let localIndex = local.index, index != localIndex, units.count == local.units.count {
            divergence = Divergence(frame: nil, detail: "the local seek index differs from the collected one")
        }
    }

    private static func chainHead(_ unit: [UInt8]) -> String? {
        guard case let .unit(parsed, _) = JournalUnit.parse(unit, at: 0) else { return nil }
        return Hex.encode(parsed.chainHash)
    }
}
