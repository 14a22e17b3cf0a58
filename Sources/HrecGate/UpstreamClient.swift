import CCurl
import Foundation
import Synchronization

/// An HTTP response from the upstream BigQuery (or emulator).
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
    /// The `Location` header (a resumable upload's session URL).
    public var location: String?
    /// The `Range` header (a resumable upload's progress, with status 308).
    public var range: String?
    /// What the body holds of the gate's memory budget, given back with the last copy.
    var lease: BudgetLease? = nil
    /// When the body was longer than `streamAbove`: `body` is its head and the rest comes
    /// through this stream.
    var rest: ResponseStream? = nil
}

/// Talks to the upstream over libcurl. Each worker thread keeps its own easy handle, so
/// connections are reused; blocking `curl_easy_perform` never runs on the concurrency pool.
public final class UpstreamClient: Sendable {
    public let baseURL: String
    let workers: UpstreamWorkerPool
    /// Streamed transfers that may start now (half the workers).
    let streamSlots: Mutex<Int>
    let timeoutMillis: Int
    let connectTimeoutMillis: Int

    /// - Parameters:
    ///   - baseURL: e.g. `https://bigquery.googleapis.com` or `http://127.0.0.1:9050`.
    public init(baseURL: String, workers: Int = 8, timeoutMillis: Int = 600_000, connectTimeoutMillis: Int = 10_000) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.workers = UpstreamWorkerPool(count: workers)
        streamSlots = Mutex(max(1, workers / 2))
        self.timeoutMillis = timeoutMillis
        self.connectTimeoutMillis = connectTimeoutMillis
    }

    /// Sends `method pathAndQuery` with `headers` and `body`. With a `budget`, the response body
    /// is taken from it as it arrives (and given back when the response is let go). With
    /// `streamAbove`, a body longer than that many bytes is not held whole: the response comes
    /// back with its head as `body` once that much has arrived, and the rest in `rest`.
    /// - Throws: `GateError.upstream` when the upstream cannot be reached or times out;
    ///   `GateError.responseRefused` when the body passes the budget's limits.
    public func send(method: String, pathAndQuery: String, headers: [String], body: [UInt8]?,
                     budget: RequestBudget? = nil, streamAbove: Int? = nil) async throws -> UpstreamResponse {
        let url = baseURL + pathAndQuery
        let timeout = timeoutMillis, connectTimeout = connectTimeoutMillis
        // At most half the workers stream at once (a streamed transfer holds its worker as long
        // as the client reads), so clients that read slowly cannot hold every upstream call.
        let slot = streamAbove != nil && streamSlots.withLock { slots in
            guard slots > 0 else { return false }
            slots -= 1
            return true
        }
        guard let streamAbove, slot else {
            return try await workers.run { handle in
                try Self.perform(handle: handle, method: method, url: url, headers: headers, body: body,
                                 timeout: timeout, connectTimeout: connectTimeout, budget: budget, stream: nil)
            }
        }
        let stream = ResponseStream(streamAbove: streamAbove)
        workers.submit { [self] handle in
            stream.end(Result {
                try Self.perform(handle: handle, method: method, url: url, headers: headers, body: body,
                                 timeout: timeout, connectTimeout: connectTimeout, budget: budget, stream: stream)
            })
            streamSlots.withLock { $0 += 1 }
        }
        switch await stream.waitForStart() {
        case .whole:
            return try stream.finished()!
        case .streaming:
            var response = UpstreamResponse(status: stream.status, contentType: stream.contentType, body: stream.takeHead())
            response.rest = stream
            return response
        }
    }

    private static func perform(handle: UnsafeMutableRawPointer, method: String, url: String, headers: [String], body: [UInt8]?,
                                timeout: Int, connectTimeout: Int, budget: RequestBudget?, stream: ResponseStream?) throws -> UpstreamResponse {
        let collector = ResponseCollector(budget: budget, stream: stream)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var status = 0
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let result: CURLcode = withCHeaders(headers) { cHeaders in
            (body ?? []).withUnsafeBufferPointer { bodyPointer in
                bodyPointer.withMemoryRebound(to: CChar.self) { bodyChars in
                    hrec_curl_perform(handle, method, url, cHeaders, body == nil ? nil : bodyChars.baseAddress,
                                      bodyChars.count, timeout, connectTimeout, ResponseCollector.bodySink,
                                      ResponseCollector.headerSink, context, &status, &errorBuffer)
                }
            }
        }
        return try collector.response(result: result, status: status, errorBuffer: errorBuffer)
    }
}

/// `headers` as the NULL-terminated C array of "Name: value" lines libcurl's calls take.
func withCHeaders<T>(_ headers: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let cHeaders = headers.map { strdup($0) } + [nil]
    defer { cHeaders.forEach { free($0) } }
    return cHeaders.withUnsafeBufferPointer { pointer in
        pointer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { body($0.baseAddress) }
    }
}

/// Accumulates one response inside curl's callbacks (one exchange, one thread).
final class ResponseCollector {
    var body: [UInt8] = []
    var contentType: String?
    var location: String?
    var range: String?
    /// The memory budget the body is taken from, if any, and what it took so far.
    let budget: RequestBudget?
    private var reserved = 0
    /// Why the body was dropped (the transfer is then aborted).
    private var refusal: GateError?
    /// Where the body goes instead of `body`, when it may be streamed.
    let stream: ResponseStream?
    /// The status line's code, as header lines arrive.
    private var status = 0
    /// Body bytes received so far.
    private var received = 0

    init(budget: RequestBudget? = nil, stream: ResponseStream? = nil) {
        self.budget = budget
        self.stream = stream
    }

    deinit {
        if reserved > 0, let budget { budget.release(reserved) }
    }

    static let bodySink: hrec_curl_sink = { data, size, count, context in
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        let before = collector.received
        collector.received += length
        if let stream = collector.stream {
            // The head is held (and taken from the budget, within max_response); pieces past it
            // wait in the stream's bounded buffer until the gate has recorded and forwarded them.
            if before <= stream.streamAbove { guard collector.take(upTo: collector.received) else { return 0 } }
            return stream.put(bytes, status: collector.status, contentType: collector.contentType) ? length : 0
        }
        guard collector.take(upTo: collector.received) else { return 0 }  // 0 < length: curl aborts the transfer
        collector.body.append(contentsOf: bytes)
        return length
    }

    /// Takes room for a body of `needed` bytes from the budget; false (and the refusal noted)
    /// when the body would pass the largest response or the budget.
    private func take(upTo needed: Int) -> Bool {
        guard let budget else { return true }
        refusal = budget.take(upTo: needed, reserved: &reserved)
        return refusal == nil
    }

    /// Keeps the three response headers the gate uses; other lines are skipped without
    /// building a string (this runs for every header line of every exchange).
    static let headerSink: hrec_curl_sink = { data, size, count, context in
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        let line = UnsafeRawBufferPointer(start: data, count: length)
        if line.starts(with: "HTTP/".utf8), let code = line.split(separator: UInt8(ascii: " ")).dropFirst().first {
            collector.status = Int(String(decoding: code, as: UTF8.self)) ?? 0  // the last status line wins (after 100)
        }
        func value(of name: StaticString) -> String? {
            let name = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            guard line.count > name.count, line[name.count] == UInt8(ascii: ":"),
                  zip(line, name).allSatisfy({ ASCII.lowercased($0) == $1 }) else { return nil }
            return String(decoding: line[(name.count + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let found = value(of: "content-type") {
            collector.contentType = found
        } else if let found = value(of: "location") {
            collector.location = found
        } else if let found = value(of: "range") {
            collector.range = found
        }
        return length
    }

    /// The response, or `GateError.upstream` naming curl's error.
    func response(result: CURLcode, status: Int, errorBuffer: [CChar]) throws -> UpstreamResponse {
        if let refusal { throw refusal }
        guard result == CURLE_OK else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw GateError.upstream(message.isEmpty ? String(cString: curl_easy_strerror(result)) : message)
        }
        var response = UpstreamResponse(status: status, contentType: contentType, body: body, location: location, range: range)
        if let budget, reserved > 0 {
            response.lease = BudgetLease(budget: budget, bytes: reserved)  // the response holds it from here
            reserved = 0
        }
        return response
    }
}

/// A fixed set of threads, each owning a curl easy handle, taking jobs from a queue.
final class UpstreamWorkerPool: @unchecked Sendable {
    // @unchecked Sendable: `jobs` is only touched with `condition` locked; handles never leave their thread.
    private let condition = NSCondition()
    private var jobs: [(UnsafeMutableRawPointer) -> Void] = []

    init(count: Int) {
        for index in 0..<count {
            let thread = Thread { [self] in
                guard let handle = curl_easy_init() else { return }
                while true {
                    condition.lock()
                    while jobs.isEmpty { condition.wait() }
                    let job = jobs.removeFirst()
                    condition.unlock()
                    job(handle)
                }
            }
            thread.name = "hrec-upstream-\(index)"
            thread.start()
        }
    }

    /// Queues `work` for a worker without waiting for it.
    func submit(_ work: @escaping @Sendable (UnsafeMutableRawPointer) -> Void) {
        condition.lock()
        jobs.append(work)
        condition.signal()
        condition.unlock()
    }

    func run<T: Sendable>(_ work: @escaping @Sendable (UnsafeMutableRawPointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { handle in continuation.resume(with: Result { try work(handle) }) }
            condition.signal()
            condition.unlock()
        }
    }
}
