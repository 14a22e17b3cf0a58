import Foundation
import HrecJournal
import Hummingbird
import Synchronization
import Testing
@testable import HrecGate

/// A held answer's body records go into the journal whether its body is written or not: an
/// answer hummingbird drops unwritten (its client gone) still leaves the body on record.
@Suite struct PendingBodyRecordsTests {
    final class CollectingSink: RecordSink, Sendable {
        let clock = SessionClock()
        let events = Mutex<[[UInt8]]>([])
        func append(_ record: Record) {
            if case let .event(event) = record.body { events.withLock { $0.append(event.json) } }
        }
        var stall: JournalError? { nil }
        func commit() async throws(JournalError) {}
    }

    @Test func anAnswerDroppedUnwrittenStillLeavesItsBodyRecords() async {
        let body = Array(String(repeating: #"{"v":"x"},"#, count: 20_000).utf8)
        let record = ResponseRecord(requestID: "r1", body: body, inlineCap: 65_536, journalCap: nil)
        #expect(!record.chunkRanges.isEmpty)
        let sink = CollectingSink()
        let deferred = DeferredRecords()
        do {
            let response = record.answer(status: 200, headers: [:], lease: nil, sink: sink, deferred: deferred)
            #expect(response.status == .ok)
        }  // dropped here, its body never written
        await deferred.drain()
        #expect(sink.events.withLock { $0.count } == record.chunkRanges.count)
    }
}
