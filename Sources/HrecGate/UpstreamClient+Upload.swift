import CCurl
import Foundation

extension UpstreamClient {
    /// Sends `method pathAndQuery` with a body streamed from `pipe` (`length` bytes when known).
    /// - Throws: `GateError.upstream` when the upstream cannot be reached, times out, or the
    ///   client's body broke off.
    func upload(method: String, pathAndQuery: String, headers: [String], length: Int?, pipe: UploadPipe) async throws -> UpstreamResponse {
        let url = baseURL + pathAndQuery
        let timeout = timeoutMillis, connectTimeout = connectTimeoutMillis
        defer { pipe.close() }
        return try await workers.run { handle in
            let collector = ResponseCollector()
            let context = Unmanaged.passUnretained(collector).toOpaque()
            let source = Unmanaged.passUnretained(pipe).toOpaque()
            var status = 0
            var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
            let read: hrec_curl_source = { buffer, size, count, context in
                let pipe = Unmanaged<UploadPipe>.fromOpaque(context!).takeUnretainedValue()
                guard let buffer, let length = pipe.read(into: buffer, count: size * count) else { return Int(CURL_READFUNC_ABORT) }
                return length
            }
            let result: CURLcode = withCHeaders(headers) { cHeaders in
                hrec_curl_perform_upload(handle, method, url, cHeaders, read, source, Int64(length ?? -1),
                                         timeout, connectTimeout, ResponseCollector.bodySink, ResponseCollector.headerSink,
                                         context, &status, &errorBuffer)
            }
            return try collector.response(result: result, status: status, errorBuffer: errorBuffer)
        }
    }
}
