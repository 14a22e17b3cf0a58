import Crypto
import Foundation
import HrecJournal

/// The response body a gate call returned, rebuilt from the journal (docs/gate-events.md): the
/// inline `responseBody` of its `gate.response`, then its `gate.response.body` records in order.
/// Fed records one by one (`add`), it keeps only the call asked for.
public struct RecordedResponse {
    /// The gate's id of the call.
    public let requestID: String
    /// The bytes the journal holds, in order.
    public private(set) var body: [UInt8] = []
    /// `responseBytes`: the size of the body the agent received.
    public private(set) var responseBytes: Int?
    /// `responseSHA256`, present when body records follow or a journal cap cut the body.
    public private(set) var sha256: String?
    /// `responseJournalCap`, present when it cut the body.
    public private(set) var cap: Int?
    private var inline: [UInt8] = []
    private var expectedChunks = 0
    private var chunks = 0
    private var problem: String?

    public init(requestID: String) { self.requestID = requestID }

    /// Takes the record if it belongs to this call's response.
    public mutating func add(_ record: Record) {
        guard case let .event(event) = record.body, event.type.hasPrefix("gate.response"),
              let object = event.object, object["requestID"] as? String == requestID else { return }
        if event.type == "gate.response" {
            inline = Array((object["responseBody"] as? String ?? "").utf8)
            body = inline
            responseBytes = object["responseBytes"] as? Int
            expectedChunks = object["responseBodyChunks"] as? Int ?? 0
            sha256 = object["responseSHA256"] as? String
            cap = object["responseJournalCap"] as? Int
        } else if event.type == "gate.response.body" {
            guard responseBytes != nil else { problem = "a body record comes before its gate.response"; return }
            guard let offset = object["offset"] as? Int, offset <= inline.count || chunks > 0 else {
                problem = "body record \(chunks) has no usable offset"
                return
            }
            if chunks == 0 { body = Array(inline.prefix(offset)) }
            guard offset == body.count else { problem = "body record \(chunks) starts at byte \(offset), after \(body.count)"; return }
            if let text = object["text"] as? String {
                body += Array(text.utf8)
            } else if let encoded = object["base64"] as? String, let data = Data(base64Encoded: encoded) {
                body += Array(data)
            } else {
                problem = "body record \(chunks) holds neither text nor base64"
            }
            chunks += 1
        }
    }

    /// The body once every record has been added.
    /// - Throws: `ExportError.invalidArgument` when the journal has no such response, or its body
    ///   records are missing or out of order.
    public func finished() throws(ExportError) -> [UInt8] {
        guard responseBytes != nil else { throw .invalidArgument("the journal has no gate.response for request \(requestID)") }
        if let problem { throw .invalidArgument("the response body of request \(requestID) cannot be rebuilt: \(problem)") }
        guard chunks == expectedChunks else {
            throw .invalidArgument("the response body of request \(requestID) is incomplete: \(chunks) of \(expectedChunks) body records"
                                   + (sha256.map { "; the body returned had SHA-256 \($0)" } ?? ""))
        }
        if cap == nil, let sha256, Hex.encode(Array(SHA256.hash(data: body))) != sha256 {
            throw .invalidArgument("the response body of request \(requestID) rebuilt from the journal does not match the SHA-256 "
                                   + "recorded for it (\(sha256))")
        }
        return body
    }
}
