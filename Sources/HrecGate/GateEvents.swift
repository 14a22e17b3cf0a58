import HrecJournal

/// The gate's structured events, as they appear in journals (schema: docs/gate-events.md).
public enum GateEvents {
    /// The person behind a request.
    public struct Principal: Codable, Sendable, Equatable {
        public var email: String?
        public var subject: String
        public var issuer: String?
        public var groups: [String]
        public var verified: Bool

        init(_ identity: Identity) {
            email = identity.email
            subject = identity.subject
            issuer = identity.issuer
            groups = identity.groups
            verified = identity.verified
        }
    }

    /// `gate.token`: a token exchange, issued or refused.
    public struct Token: Codable, Sendable {
        public var outcome: String
        public var principal: Principal?
        public var reason: String?
        public var clientIP: String?
        public var userAgent: String?
        public var expiresAt: String?
    }

    /// `gate.request`: a BigQuery call as it arrived.
    public struct Request: Codable, Sendable {
        public var requestID: String
        public var principal: Principal?
        public var clientIP: String?
        public var userAgent: String?
        public var method: String
        public var path: String
        public var endpoint: String?
        public var project: String?
        public var dataset: String?
        public var table: String?
        public var job: String?
        public var sql: String?
        public var parameters: JSONValue?
        public var defaultDataset: String?
        public var dryRun: Bool?
        /// The prompt the person submitted last before this call in the recorded session
        /// (absent for the standalone gate, or before the first prompt).
        public var prompt: LastPrompt.Reference?
        /// A resumable upload's data request: the gate's upload id and the `Content-Range`.
        public var uploadID: String?
        public var contentRange: String?
        /// A load's data sent whole in this request (`jobs.upload`, multipart or media): its size
        /// and lower-case hex SHA-256, recorded before it is forwarded.
        public var uploadBytes: Int?
        public var uploadSHA256: String?
    }

    /// `gate.response`: what the agent received for that call.
    public struct Response: Codable, Sendable {
        public var requestID: String
        public var decision: String
        public var reason: String?
        public var status: Int
        public var upstreamStatus: Int?
        public var job: String?
        public var rows: Int?
        public var totalRows: String?
        public var bytesProcessed: String?
        public var latencyMicros: UInt64
        public var upstreamLatencyMicros: UInt64?
        public var responseBytes: Int
        /// The body exactly as the agent received it, up to `responseBodyCap` bytes (UTF-8).
        public var responseBody: String
        public var responseBodyTruncated: Bool
        public var responseBodyCap: Int
        /// How many `gate.response.body` records follow with the rest of the body (nil: none).
        public var responseBodyChunks: Int? = nil
        /// A result page forwarded as its rows arrived: its `gate.response.body` records come
        /// before this event and hold the whole body from offset 0.
        public var responseStreamed: Bool? = nil
        /// The journal's cap on a body, present when it cut this one.
        public var responseJournalCap: Int? = nil
        /// Lower-case hex SHA-256 of the whole body, present when body records follow or the
        /// journal cap cut it.
        public var responseSHA256: String? = nil
        /// A resumable upload's data request: the bytes streamed to the upstream and their
        /// lower-case hex SHA-256 (known only once the stream ends).
        public var uploadBytes: Int? = nil
        public var uploadSHA256: String? = nil
    }
}
