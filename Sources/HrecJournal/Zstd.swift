import CZstd

/// A reusable zstd compression context (`ZSTD_CCtx`); one frame per `compress` call.
final class ZstdCompressor {
    private let context: OpaquePointer
    private var output: [UInt8] = []

    /// - Throws: `JournalError.compression` if the level is rejected.
    init(level: Int32) throws(JournalError) {
        guard let context = ZSTD_createCCtx() else { throw .compression("cannot allocate a compression context") }
        self.context = context
        let result = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        if ZSTD_isError(result) != 0 { throw .compression(Self.message(result)) }
        // Record the content size and a checksum in each frame so `zstd -d` and readers check it.
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input` into one independent zstd frame (`ZSTD_compress2`).
    func compress(_ input: [UInt8]) throws(JournalError) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_compress2(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
        }
        if ZSTD_isError(written) != 0 { throw .compression(Self.message(written)) }
        return Array(output[0..<written])
    }

    static func message(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}

/// A reusable zstd decompression context (`ZSTD_DCtx`) for one whole frame at a time.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() {
        guard let context = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx failed: out of memory") }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses exactly one frame whose content size must equal `expectedSize`.
    /// - Throws: a reason string when the frame is not valid zstd or its size is wrong.
    func decompress(_ frame: ArraySlice<UInt8>, expectedSize: Int) throws(PayloadError) -> [UInt8] {
        let declared = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard declared != ZSTD_CONTENTSIZE_ERROR, declared != ZSTD_CONTENTSIZE_UNKNOWN else {
            throw PayloadError("not a zstd frame with a declared content size")
        }
        guard declared == UInt64(expectedSize) else {
            throw PayloadError("frame declares \(declared) bytes, seal says \(expectedSize)")
        }
        var output = [UInt8](repeating: 0, count: expectedSize)
        let produced = frame.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
        }
        if ZSTD_isError(produced) != 0 { throw PayloadError("zstd: \(ZstdCompressor.message(produced))") }
        guard produced == expectedSize else { throw PayloadError("frame holds \(produced) bytes, expected \(expectedSize)") }
        return output
    }
}
