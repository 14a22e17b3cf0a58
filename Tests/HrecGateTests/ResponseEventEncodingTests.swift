import Foundation
import HrecJournal
import Testing
@testable import HrecGate

/// A `gate.response` is encoded with its body quoted straight into the bytes; the result must
/// read back exactly as JSONEncoder's own encoding of the same event.
@Suite struct ResponseEventEncodingTests {
    func event(body: String, reason: String?) -> GateEvents.Response {
        var event = GateEvents.Response(
            requestID: "r-1", decision: "allow", reason: reason, status: 200, upstreamStatus: 200, job: "job_1", rows: 3,
            totalRows: "3", bytesProcessed: "10", latencyMicros: 1234, upstreamLatencyMicros: 1000, responseBytes: body.utf8.count,
            responseBody: body, responseBodyTruncated: false, responseBodyCap: 65_536)
        event.responseSHA256 = String(repeating: "ab", count: 32)
        return event
    }

    func object(_ event: JournalEvent) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(event.json)) as? NSDictionary)
    }

    @Test(arguments: [
        #"{"rows":[{"f":[{"v":"a/b"}]}]}"#,
        "quotes \" and \\ backslashes, \n\r\t controls \u{01}\u{1f}, é€𝄞 and \u{2028}",
        #""responseBody":"" inside the body"#,
        String(repeating: "x", count: 70_000),
    ])
    func theBodyIsQuotedInPlaceAndReadsBackAsJSONEncoderWouldHaveIt(body: String) throws {
        for reason in [nil, #"a reason with "responseBody":"" in it"#] {
            let fast = try GateEvents.journalEvent(type: "gate.response", event(body: body, reason: reason))
            let plain = try JournalEvent(type: "gate.response", payload: event(body: body, reason: reason))
            #expect(try object(fast) == object(plain))
            #expect(try object(fast)["responseBody"] as? String == body)
        }
    }
}
