/// Constants of the journal format. Every value here reaches disk: frozen for format version 1.
///
/// See docs/journal-format.md for the layout these describe and the versioning rule.
public enum JournalFormat {
    /// The format version this code writes and reads. Frozen meaning: bump only with a new spec.
    public static let version = 1

    /// zstd skippable-frame magic numbers (0x184D2A50...0x184D2A5F are skippable). Frozen.
    static let preambleMagic: UInt32 = 0x184D_2A5A
    /// Frozen.
    static let sealMagic: UInt32 = 0x184D_2A5B
    /// Frozen.
    static let indexMagic: UInt32 = 0x184D_2A5C

    /// Tags at the start of each skippable frame's content. Frozen.
    static let preambleTag: [UInt8] = Array("HRECJNL1".utf8)
    /// Frozen.
    static let sealTag: [UInt8] = Array("HSEAL1".utf8)
    /// Frozen.
    static let indexTag: [UInt8] = Array("HINDEX1".utf8)

    /// Domain-separation prefix of every signed message. Frozen.
    static let signatureContext: [UInt8] = Array("hrec-journal-v1 seal".utf8)
    static let indexSignatureContext: [UInt8] = Array("hrec-journal-v1 index".utf8)

    /// Seal flag bit: this frame holds the end record (the journal was closed cleanly). Frozen.
    static let sealFlagFinal: UInt8 = 0x01

    /// Default flush thresholds (not on disk; writer policy).
    public static let defaultFrameBytes = 256 * 1024
    public static let defaultFlushIntervalMicros: UInt64 = 250_000
    /// Disk kept allocated past the end of a journal for its last records (writer policy).
    public static let defaultReserveBytes = 256 * 1024
    /// Default zstd level: 1 keeps the writer well ahead of a fast program (level 3 costs ~40% more CPU for ~7% smaller files).
    public static let defaultCompressionLevel: Int32 = 1
}
