import Crypto
import Foundation
import HrecJournal

/// The response body a gate call returned, rebuilt from the journal (docs/gate-events.md): the
/// inline `responseBody` of its `gate.response`, then its `gate.response.body` records in order.
/// Fed records one by one (`add`), it keeps only the call asked for.
public struct RecordedResponse {
    /// The gate's id of the call.
    public let requestID: String
    /// `responseBytes`: the size of the body the agent received.
    public private(set) var responseBytes: Int?
    /// `responseSHA256`, present when body records follow or a journal cap cut the body.
    public private(set) var sha256: String?
    /// `responseJournalCap`, present when it cut the body.
    public private(set) var cap: Int?
    private var inline: [UInt8] = []
    private var records: [(offset: Int, bytes: [UInt8])] = []
    private var recordsBeforeResponse = 0
    private var expectedChunks = 0
    private var streamed = false
    private var problem: String?

    public init(requestID: String) { self.requestID = requestID }

    /// Takes the record if it belongs to this call's response.
    public mutating func add(_ record: Record) {
        guard case let .event(event) = record.body, event.type.hasPrefix("gate.response"),
              let object = event.object, object["requestID"] as? String == requestID else { return }
        if event.type == "gate.response" {
            inline = Array((object["responseBody"] as? String ?? "").utf8)
            responseBytes = object["responseBytes"] as? Int
            expectedChunks = object["responseBodyChunks"] as? Int ?? 0
            sha256 = object["responseSHA256"] as? String
            cap = object["responseJournalCap"] as? Int
            streamed = object["responseStreamed"] as? Bool ?? false
        } else if event.type == "gate.response.body" {
            // A streamed answer's records come before its gate.response; any other's after it.
            if responseBytes == nil { recordsBeforeResponse += 1 }
            guard let offset = object["offset"] as? Int else { problem = "body record \(records.count) has no offset"; return }
            if let text = object["text"] as? String {
                records.append((offset, Array(text.utf8)))
            } else if let encoded = object["base64"] as? String, let data = Data(base64Encoded: encoded) {
                records.append((offset, Array(data)))
            } else {
                problem = "body record \(records.count) holds neither text nor base64"
            }
        }
    }

    /// The body once every record has been added.
    /// - Throws: `ExportError.invalidArgument` when the journal has no such response, or its body
    ///   records are missing or out of order.
    public func finished() throws(ExportError) -> [UInt8] {
        guard responseBytes != nil else { throw .invalidArgument("the journal has no gate.response for request \(requestID)") }
        var problem = problem
        if !streamed && recordsBeforeResponse > 0 { problem = problem ?? "a body record comes before its gate.response" }
        // Streamed: the records hold the body from offset 0. Otherwise the inline text up to the
        // first record's offset, then the records.
        var body = streamed ? [] : Array(inline.prefix(records.first?.offset ?? inline.count))
        for (index, record) in records.enumerated() where problem == nil {
            guard record.offset == body.count else {
                problem = "body record \(index) starts at byte \(record.offset), after \(body.count)"
                break
            }
            body += record.bytes
        }
        if let problem { throw .invalidArgument("the response body of request \(requestID) cannot be rebuilt: \(problem)") }
        guard records.count == expectedChunks else {
            throw .invalidArgument("the response body of request \(requestID) is incomplete: \(records.count) of \(expectedChunks) body records"
                                   + (sha256.map { "; the body returned had SHA-256 \($0)" } ?? ""))
        }
        if cap == nil, let sha256, Hex.encode(Array(SHA256.hash(data: body))) != sha256 {
            throw .invalidArgument("the response body of request \(requestID) rebuilt from the journal does not match the SHA-256 "
                                   + "recorded for it (\(sha256))")
        }
        return body
    }
}
