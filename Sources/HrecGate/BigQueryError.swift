import Foundation
import Hummingbird

/// An error answered in BigQuery's own shape, so real clients print it well:
/// `{"error":{"code":403,"message":"...","errors":[{"message","domain":"global","reason"}],"status":"PERMISSION_DENIED"}}`.
///
/// Decisions are never 5xx or 401: clients retry those (or refresh credentials) and lose the message.
public struct BigQueryError: Error, Sendable, HTTPResponseError {
    public var code: Int
    public var reason: String
    public var message: String
    public var statusText: String

    public var status: HTTPResponse.Status { .init(code: code) }

    /// 403 accessDenied: a refusal by the gate (identity, unsupported endpoint, policy).
    public static func accessDenied(_ message: String) -> BigQueryError {
        BigQueryError(code: 403, reason: "accessDenied", message: "Access Denied: \(message)", statusText: "PERMISSION_DENIED")
    }

    /// 400 invalid: a malformed request.
    public static func invalid(_ message: String) -> BigQueryError {
        BigQueryError(code: 400, reason: "invalid", message: message, statusText: "INVALID_ARGUMENT")
    }

    /// 503 backendError: the gate cannot record the call right now (journal not writable, memory
    /// budget spent). Retryable by design: nothing was forwarded, and clients retry 503.
    public static func unavailable(_ message: String) -> BigQueryError {
        BigQueryError(code: 503, reason: "backendError", message: message, statusText: "UNAVAILABLE")
    }

    /// 400 invalid with BigQuery's own text for a query over its length limit.
    public static func queryTooLarge(limitCharacters: Int) -> BigQueryError {
        let size = String(format: "%.2fK", Double(limitCharacters) / 1024)
        return BigQueryError(code: 400, reason: "invalid",
                             message: "The query is too large. The maximum standard SQL query length is \(size) characters, including comments and white space characters.",
                             statusText: "INVALID_ARGUMENT")
    }

    /// The JSON body.
    public var body: [UInt8] {
        let object: [String: Any] = ["error": [
            "code": code, "message": message, "status": statusText,
            "errors": [["message": message, "domain": "global", "reason": reason]],
        ]]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
