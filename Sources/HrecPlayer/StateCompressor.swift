import CZstd

/// Compresses emulator states for keyframes (zstd level 1: a screen state is mostly blank cells,
/// so it shrinks 20-100x and comes back in about a millisecond).
enum StateCompressor {
    /// The compressed state, or nil if zstd failed (then the keyframe keeps it as it is).
    static func compress(_ state: [UInt8]) -> [UInt8]? {
        let bound = ZSTD_compressBound(state.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            state.withUnsafeBytes { ZSTD_compress(out.baseAddress, bound, $0.baseAddress, $0.count, 1) }
        }
        guard ZSTD_isError(written) == 0 else { return nil }
        return Array(output[..<written])  // a copy the exact size: the bound is about the state's size
    }

    static func decompress(_ data: [UInt8], size: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: size)
        let read = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { ZSTD_decompress(out.baseAddress, size, $0.baseAddress, $0.count) }
        }
        return ZSTD_isError(read) == 0 && read == size ? output : nil
    }
}
