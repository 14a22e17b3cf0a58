import Foundation
import HrecCollector
import HrecGate
import HrecJournal

/// The client for the collector protocol (docs/collector.md, "HTTP surface"), for the recorder
/// (sending) and for readers (`hrec verify/ls/search/evidence --collector`): one method per
/// request, answers decoded into typed values, HTTP failures turned into `DeliveryError`s.
/// Requests go over libcurl (`UpstreamClient`), each with the bearer token.
public struct DeliveryClient: Sendable {
    /// The collector's base URL, without a trailing slash.
    public let baseURL: String
    private let http: UpstreamClient
    private let token: IdentityTokenSource
    /// The largest answer decoded (a receipt or a status is a few hundred bytes).
    static let answerLimit = 64 << 10

    /// - Parameters:
    ///   - url: `http://` or `https://` base URL of `hrec collect`.
    ///   - timeoutSeconds: the longest one request may take.
    /// - Throws: `DeliveryError.configuration` for a URL that is not http(s).
    public init(url: String, token: IdentityTokenSource, timeoutSeconds: Double = 30) throws(DeliveryError) {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil,
              parsed.query == nil, parsed.fragment == nil else {
            throw .configuration("--collector '\(url)' is not an http:// or https:// URL")
        }
        baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
        http = UpstreamClient(baseURL: baseURL, workers: 1, timeoutMillis: Int(timeoutSeconds * 1000),
                              connectTimeoutMillis: Int(min(timeoutSeconds, 5) * 1000))
    }

    /// What the collector holds of `session`; nil when it holds nothing (404).
    public func status(of session: SessionID) async throws(DeliveryError) -> JournalStatus? {
        let answer = try await send("GET", path(session), body: nil)
        if answer.status == 404 { return nil }
        return try decode(JournalStatus.self, answer, request: "GET status")
    }

    /// Sends the 76 preamble bytes (idempotent).
    public func putPreamble(_ bytes: [UInt8], session: SessionID) async throws(DeliveryError) {
        _ = try await send("PUT", path(session) + "/preamble", body: bytes)
    }

    /// Sends consecutive frame units (seal ‖ data frame each, concatenated); returns the receipt.
    public func postFrames(_ body: [UInt8], session: SessionID) async throws(DeliveryError) -> Receipt {
        let answer = try await send("POST", path(session) + "/frames", body: body)
        return try decode(Receipt.self, answer, request: "POST frames")
    }

    /// Sends the seek index frame; returns the receipt.
    public func putIndex(_ bytes: [UInt8], session: SessionID) async throws(DeliveryError) -> Receipt {
        let answer = try await send("PUT", path(session) + "/index", body: bytes)
        return try decode(Receipt.self, answer, request: "PUT index")
    }

    /// The sessions this caller may read.
    public func sessions() async throws(DeliveryError) -> [SessionID] {
        struct Listing: Decodable { var sessions: [String] }
        let answer = try await send("GET", "/hrec/v1/sessions", body: nil)
        guard answer.status != 404 else { throw .refused(collector: baseURL, status: 404, reason: "GET sessions: not found") }
        return try decode(Listing.self, answer, request: "GET sessions", limit: 64 << 20).sessions.compactMap(SessionID.init(hex:))
    }

    /// The stored bytes of part `name` (`preamble`, `index` or a decimal frame number).
    public func part(_ session: SessionID, _ name: String) async throws(DeliveryError) -> [UInt8] {
        let answer = try await send("GET", path(session) + "/parts/" + name, body: nil)
        guard answer.status != 404 else { throw .refused(collector: baseURL, status: 404, reason: "part \(name) of session \(session) is not held") }
        return answer.body
    }

    private func path(_ session: SessionID) -> String { "/hrec/v1/journals/\(session)" }

    /// One exchange; a 2xx or 404 answer is returned, anything else thrown.
    private func send(_ method: String, _ path: String, body: [UInt8]?) async throws(DeliveryError) -> UpstreamResponse {
        let bearer = try token.token()
        var headers = ["Authorization: Bearer \(bearer)"]
        if body != nil { headers.append("Content-Type: application/octet-stream") }
        let answer: UpstreamResponse
        do {
            answer = try await http.send(method: method, pathAndQuery: path, headers: headers, body: body)
        } catch {
            throw .unreachable(collector: baseURL, reason: "\(error)")
        }
        if (200..<300).contains(answer.status) || (answer.status == 404 && method == "GET") { return answer }
        let reason = Self.errorReason(answer.body) ?? "\(method) \(path): HTTP \(answer.status)"
        switch answer.status {
        case 409: throw .diverged(collector: baseURL, detail: reason)
        case 500...: throw .unreachable(collector: baseURL, reason: "HTTP \(answer.status): \(reason)")
        default: throw .refused(collector: baseURL, status: answer.status, reason: reason)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ answer: UpstreamResponse, request: String,
                                      limit: Int = answerLimit) throws(DeliveryError) -> T {
        guard answer.body.count <= limit else {
            throw .badAnswer(collector: baseURL, detail: "\(request): answer larger than \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(answer.body))
        } catch {
            let text = String(decoding: answer.body.prefix(200), as: UTF8.self)
            throw .badAnswer(collector: baseURL, detail: "\(request): cannot decode \(T.self) from '\(text)'")
        }
    }

    /// The `error.message` (with its reason) of a JSON error body.
    private static func errorReason(_ body: [UInt8]) -> String? {
        struct Envelope: Decodable {
            struct Detail: Decodable { var reason: String?; var message: String? }
            var error: Detail
        }
        guard body.count <= answerLimit, let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) else { return nil }
        switch (envelope.error.reason, envelope.error.message) {
        case let (reason?, message?): return "\(reason): \(message)"
        case let (nil, message?): return message
        case let (reason?, nil): return reason
        default: return nil
        }
    }
}
