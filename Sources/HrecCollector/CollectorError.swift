import Foundation

/// Everything the collector refuses or fails at. Each case knows its HTTP status and the
/// `reason` word of the JSON error body (docs/collector.md).
public enum CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request body or a path parameter is not what the protocol says (400 `malformed`).
    case malformed(String)
    /// No bearer token, or the token does not verify (401 `unauthenticated`).
    case unauthenticated(String)
    /// The token's subject is not the journal's (403 `forbidden`).
    case forbidden(String)
    /// Nothing is held for what was asked (404 `notFound`).
    case notFound(String)
    /// A part differs from the held one or does not extend the held chain (409 `diverged`).
    case diverged(frame: UInt64?, String)
    /// A unit whose predecessor is not held (409 `gap`).
    case gap(String)
    /// The store failed (503 `storage`); the message names the store, the key and the answer.
    case storage(String)
    /// The collector's configuration is wrong (startup only).
    case configuration(String)

    public var description: String {
        switch self {
        case let .malformed(message), let .unauthenticated(message), let .forbidden(message), let .notFound(message),
             let .diverged(_, message), let .gap(message), let .storage(message), let .configuration(message):
            message
        }
    }

    /// The HTTP status this error is answered with.
    public var status: Int {
        switch self {
        case .malformed: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .diverged, .gap: 409
        case .storage, .configuration: 503
        }
    }

    /// The `reason` member of the error body.
    public var reason: String {
        switch self {
        case .malformed: "malformed"
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "notFound"
        case .diverged: "diverged"
        case .gap: "gap"
        case .storage: "storage"
        case .configuration: "configuration"
        }
    }

    /// `{"error": {"code": N, "reason": "...", "message": "...", "frame": N?}}`.
    public var body: [UInt8] {
        var error: [String: Any] = ["code": status, "reason": reason, "message": description]
        if case let .diverged(frame?, _) = self { error["frame"] = frame }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])) ?? Data()
        return Array(data)
    }
}
