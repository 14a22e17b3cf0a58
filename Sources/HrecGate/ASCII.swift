/// Byte-level ASCII helpers for header names and schemes, which HTTP compares without case.
enum ASCII {
    /// `byte` with an upper-case ASCII letter folded to lower case; any other byte unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
