import Crypto
import Foundation
import Testing
@testable import HrecGate

/// Issue 16.3: a response body is journaled whole (inline, then `gate.response.body` records),
/// cut only by a journal cap; the full body's SHA-256 is recorded whenever records follow.
@Suite struct ResponseRecordTests {
    /// The body as a reader rebuilds it: the inline text up to the first record's offset, then each record.
    func rebuilt(_ record: ResponseRecord) throws -> [UInt8] {
        var body = Array(record.inline.utf8)
        for (index, chunk) in record.chunks.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(chunk.json)) as? [String: Any])
            #expect(object["type"] as? String == "gate.response.body")
            #expect(object["requestID"] as? String == "r1")
            #expect(object["index"] as? Int == index)
            let offset = try #require(object["offset"] as? Int)
            if index == 0 { body = Array(body.prefix(offset)) }
            #expect(offset == body.count)
            if let text = object["text"] as? String { body += Array(text.utf8) } else {
                let encoded = try #require(object["base64"] as? String)
                body += Array(try #require(Data(base64Encoded: encoded)))
            }
        }
        return body
    }

    /// JSON with multi-byte characters, quotes, escapes and control escapes, longer than `size`.
    func body(size: Int) -> [UInt8] {
        var text = #"{"rows":["#
        var index = 0
        while text.utf8.count < size {
            text += #"{"f":[{"v":"é€𝄞 \"q\" \\ \u0001 row \#(index)"}]},"#
            index += 1
        }
        return Array((text + #"{"f":[]}]}"#).utf8)
    }

    @Test(arguments: [10, 65_536, 65_537, 3 * ResponseRecord.chunkBytes + 17])
    func aBodyIsJournaledWholeAcrossRecords(size: Int) throws {
        let body = body(size: size)
        let record = ResponseRecord(requestID: "r1", body: body, inlineCap: 65_536, journalCap: nil)
        #expect(try rebuilt(record) == body)
        #expect(record.inline.utf8.count <= 65_536)
        #expect(record.inlineTruncated == (body.count > record.inline.utf8.count))
        #expect(record.chunks.count == (body.count <= 65_536 ? 0 : 1 + (body.count - record.inline.utf8.count - 1) / ResponseRecord.chunkBytes))
        #expect(record.cap == nil)
        // Body records follow the commit: the committed event must prove the whole body anyway.
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        #expect(record.sha256 == (record.chunks.isEmpty ? nil : digest))
    }

    @Test func aCapKeepsThePrefixAndProvesTheWholeBody() throws {
        let body = body(size: 300_000)
        let record = ResponseRecord(requestID: "r1", body: body, inlineCap: 65_536, journalCap: 100_000)
        let kept = try rebuilt(record)
        #expect(kept.count <= 100_000 && kept.count > 99_990)
        #expect(Array(body.prefix(kept.count)) == kept)
        #expect(record.cap == 100_000)
        #expect(record.sha256 == SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined())
    }

    @Test func aBodyThatIsNotUTF8GoesWholeIntoBase64() throws {
        let body: [UInt8] = Array(repeating: 0xff, count: 70_000) + Array("tail".utf8)
        let record = ResponseRecord(requestID: "r1", body: body, inlineCap: 65_536, journalCap: nil)
        #expect(try rebuilt(record) == body)
    }
}
