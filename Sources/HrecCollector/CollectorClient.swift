import Foundation
import HrecGate
import HrecJournal

/// Reads what a collector holds of a session over its HTTP surface (for `hrec verify --collector`).
public struct CollectorClient: Sendable {
    let client: UpstreamClient
    let token: String
    public let url: String

    /// - Parameters:
    ///   - url: the collector's base URL, e.g. `http://collector.example:9160`.
    ///   - token: the bearer token (an OIDC ID token).
    public init(url: String, token: String) {
        self.url = url
        self.token = token
        client = UpstreamClient(baseURL: url, workers: 2, timeoutMillis: 60_000)
    }

    /// What the collector holds of `session`; nil when it holds nothing.
    /// - Throws: `CollectorError` with the collector's answer, or `.storage` when it cannot be reached.
    public func status(_ session: SessionID) async throws(CollectorError) -> JournalStatus? {
        let response = try await get("/hrec/v1/journals/\(session)")
        if response.status == 404 { return nil }
        try check(response)
        guard let status = try? JSONDecoder().decode(JournalStatus.self, from: Data(response.body)) else {
            throw .malformed("\(url): the journal status is not the JSON the protocol describes")
        }
        return status
    }

    /// The sessions this caller may read.
    /// - Throws: `CollectorError`.
    public func sessions() async throws(CollectorError) -> [SessionID] {
        struct Listing: Decodable { var sessions: [String] }
        let response = try await get("/hrec/v1/sessions")
        try check(response)
        guard let listing = try? JSONDecoder().decode(Listing.self, from: Data(response.body)) else {
            throw .malformed("\(url): the session listing is not the JSON the protocol describes")
        }
        return listing.sessions.compactMap(SessionID.init(hex:))
    }

    /// The stored bytes of part `name` (`preamble`, `index` or a frame number).
    /// - Throws: `CollectorError`.
    public func part(_ session: SessionID, _ name: String) async throws(CollectorError) -> [UInt8] {
        let response = try await get("/hrec/v1/journals/\(session)/parts/\(name)")
        try check(response)
        return response.body
    }

    private func get(_ path: String) async throws(CollectorError) -> UpstreamResponse {
        do {
            return try await client.send(method: "GET", pathAndQuery: path, headers: ["Authorization: Bearer \(token)"], body: nil)
        } catch {
            throw .storage("cannot reach the collector at \(url): \(error)")
        }
    }

    private func check(_ response: UpstreamResponse) throws(CollectorError) {
        guard response.status != 200 else { return }
        struct Body: Decodable {
            struct Inner: Decodable { var message: String }
            var error: Inner
        }
        let message = (try? JSONDecoder().decode(Body.self, from: Data(response.body)))?.error.message ?? "HTTP \(response.status)"
        switch response.status {
        case 401: throw .unauthenticated("\(url): \(message)")
        case 403: throw .forbidden("\(url): \(message)")
        case 404: throw .notFound("\(url): \(message)")
        default: throw .storage("\(url) answered HTTP \(response.status): \(message)")
        }
    }
}
