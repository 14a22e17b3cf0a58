import Crypto
import Foundation
import HrecJournal
import HrecPolicy
import Hummingbird
import NIOCore
import Synchronization

/// How a response body the agent received goes into the journal (docs/gate-events.md): its
/// first bytes inline in `gate.response` (`responseBody`, up to the inline cap, cut at a UTF-8
/// character boundary), the rest in consecutive `gate.response.body` records of at most
/// `chunkBytes` each, so the journal holds the body whole. A journal cap (`journal:
/// response_body_cap`) bounds what is kept.
///
/// The body records are appended after the commit that precedes the answer, and built only
/// once the answer is written (`answer(status:headers:lease:sink:deferred:)`), so the agent can
/// hold the body before they are in the file. Whenever body records follow (or the cap cut the body),
/// the committed `gate.response` carries the whole body's SHA-256: if the journal cannot take
/// the rest, the record still proves exactly what was returned.
struct ResponseRecord: Sendable {
    /// Bytes of body per `gate.response.body` record.
    static let chunkBytes = 1 << 20

    let requestID: String
    /// The body the agent receives.
    let body: [UInt8]
    /// The inline part (`responseBody`).
    let inline: String
    /// Whether the inline part is shorter than the body.
    let inlineTruncated: Bool
    /// The byte ranges of the `gate.response.body` records, in order.
    let chunkRanges: [Range<Int>]
    /// Whether the records carry text (the body is UTF-8) or base64 (from its first byte).
    let utf8: Bool
    /// The journal cap, when it cut the body.
    let cap: Int?
    /// Lower-case hex SHA-256 of the whole body, when body records follow or the cap cut it.
    let sha256: String?

    init(requestID: String, body: [UInt8], inlineCap: Int, journalCap: Int?) {
        self.requestID = requestID
        self.body = body
        let kept = journalCap.map { min($0, body.count) } ?? body.count
        let utf8 = body.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[..<kept]), as: UTF8.self) != nil }
        self.utf8 = utf8
        var cut = min(inlineCap, kept)
        if utf8 { cut = Self.characterBoundary(in: body, atOrBefore: cut) }
        inline = String(decoding: body[..<cut], as: UTF8.self)
        inlineTruncated = cut < body.count
        cap = kept < body.count ? journalCap : nil
        // A body that is not UTF-8 goes whole into base64 chunks (the inline text cannot hold it exactly).
        var offset = utf8 ? cut : 0
        var ranges: [Range<Int>] = []
        while offset < kept {
            var end = min(offset + Self.chunkBytes, kept)
            if utf8 { end = Self.characterBoundary(in: body, atOrBefore: end) }
            if end <= offset { end = min(offset + Self.chunkBytes, kept) }
            ranges.append(offset..<end)
            offset = end
        }
        chunkRanges = ranges
        sha256 = kept < body.count || !ranges.isEmpty ? Hex.encode(Array(SHA256.hash(data: body))) : nil
    }

    /// The `gate.response.body` records, built now (the bulk of the journal's gate traffic).
    var chunks: [JournalEvent] {
        chunkRanges.enumerated().map { index, range in
            Self.chunk(requestID: requestID, index: index, offset: range.lowerBound, bytes: body[range], utf8: utf8)
        }
    }

    /// The answer carrying `body`; once it is written (or the client is gone, or the answer is
    /// dropped unwritten), the body records are built and appended beside the next request
    /// (`deferred`). They are never built on the answer's path, and never lost with the answer.
    /// `lease` holds the body's share of the memory budget until they are built.
    func answer(status: Int, headers: HTTPFields, lease: BudgetLease?, sink: (any RecordSink)?, deferred: DeferredRecords) -> Response {
        let buffer = ByteBuffer(bytes: body)
        guard !chunkRanges.isEmpty, let sink else {
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: buffer))
        }
        let pending = PendingBodyRecords(record: self, sink: sink, lease: lease, deferred: deferred)
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(contentLength: buffer.readableBytes) { writer in
            defer { pending.append() }
            try await writer.write(buffer)
            try await writer.finish(nil)
        })
    }

    /// The largest offset ≤ `offset` that does not fall inside a UTF-8 sequence.
    static func characterBoundary(in body: [UInt8], atOrBefore offset: Int) -> Int {
        var cut = offset
        while cut > 0, cut < body.count, body[cut] & 0xC0 == 0x80 { cut -= 1 }
        return cut
    }

    /// One `gate.response.body` record, written without a serialiser (the text is the bulk of
    /// the journal's gate traffic): `{"type","requestID","index","offset","text"|"base64"}`.
    static func chunk(requestID: String, index: Int, offset: Int, bytes: ArraySlice<UInt8>, utf8: Bool) -> JournalEvent {
        var json = Array(#"{"type":"gate.response.body","requestID":"#.utf8)
        json.reserveCapacity(bytes.count + bytes.count / 6 + 128)
        JSONQuoting.appendQuoted(Array(requestID.utf8)[...], to: &json)
        json += Array(#","index":\#(index),"offset":\#(offset),"#.utf8)
        if utf8 {
            json += Array(#""text":"#.utf8)
            JSONQuoting.appendQuoted(bytes, to: &json)
        } else {
            json += Array(#""base64":""#.utf8) + Array(Data(bytes).base64EncodedString().utf8) + [UInt8(ascii: "\"")]
        }
        json.append(UInt8(ascii: "}"))
        return JournalEvent(type: "gate.response.body", json: json)
    }
}

/// A held answer's body records, appended exactly once: when its body has been written, or, if
/// the answer is dropped without being written, when it goes away.
final class PendingBodyRecords: Sendable {
    private let record: ResponseRecord
    private let sink: any RecordSink
    private let lease: BudgetLease?
    private let deferred: DeferredRecords
    private let appended = Atomic(false)

    init(record: ResponseRecord, sink: any RecordSink, lease: BudgetLease?, deferred: DeferredRecords) {
        self.record = record
        self.sink = sink
        self.lease = lease
        self.deferred = deferred
    }

    /// Builds and appends the records on their own task, unless that was done already.
    func append() {
        guard !appended.exchange(true, ordering: .relaxed) else { return }
        deferred.run { [record, sink, lease] in
            for chunk in record.chunks { sink.append(event: chunk) }
            withExtendedLifetime(lease) {}
        }
    }

    deinit { append() }
}
