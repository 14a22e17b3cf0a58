import Foundation
import HrecJournal
import HrecTestSupport
import Testing
@testable import HrecGate

/// What keeps the gate bounded: token lifetimes, the request memory budget, connection counts,
/// and client journals that close when idle and continue as chained segments.
@Suite struct GateBoundsTests {
    let identity = Identity(email: "alice@example.com", subject: "alice", issuer: nil, groups: [], verified: true)

    /// A sink that writes nowhere, for token tests.
    final class NullSink: RecordSink, @unchecked Sendable {
        let clock = SessionClock()
        func append(_ record: Record) {}
        var stall: JournalError? { nil }
        func commit() async throws(JournalError) {}
    }

    @Test(arguments: [
        (nil as Double?, 3600.0),  // dev mode: the gate's own hour
        (7200, 3600),              // an identity token valid longer: still the gate's hour
        (600, 600),                // valid 10 more minutes: 10 minutes
        (5, 5),                    // about to expire: seconds
        (-1, -1),                  // already past (exp + skew): dead on arrival
    ])
    func aGateTokenNeverOutlivesTheIdentityToken(notAfterIn: Double?, expected: Double) async {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let sessions = GateSessions()
        let session = await sessions.issue(for: identity, sink: NullSink(), notAfter: notAfterIn.map { now.addingTimeInterval($0) }, now: now)
        #expect(session.expiresAt.timeIntervalSince(now) == expected)
        let alive = await sessions.session(for: session.token, now: now.addingTimeInterval(max(0, expected) - 0.5))
        #expect((alive != nil) == (expected > 0.5))
        #expect(await sessions.session(for: session.token, now: now.addingTimeInterval(expected)) == nil)
    }

    @Test func theMemoryBudgetRefusesWhatItCannotCoverAndTakesItBackWhenReleased() {
        var limits = RequestLimits()
        limits.memoryBudgetBytes = 25 << 20
        let budget = RequestBudget(limits: limits)
        #expect(budget.reserve(10 << 20))
        #expect(budget.reserve(10 << 20))
        #expect(!budget.reserve(10 << 20))  // a third 10 MiB body would pass the 25 MiB budget
        #expect(budget.reserve(5 << 20))
        budget.release(10 << 20)
        #expect(budget.reserve(10 << 20))
        #expect(budget.inUse == 25 << 20)
    }

    @Test func connectionsAreCountedPerAddress() {
        let counter = ConnectionCounter()
        for _ in 0..<3 { #expect(counter.acquire("10.0.0.1", limit: 3)) }
        #expect(!counter.acquire("10.0.0.1", limit: 3))
        #expect(counter.acquire("10.0.0.2", limit: 3))  // another address is not held back
        counter.release("10.0.0.1")
        #expect(counter.acquire("10.0.0.1", limit: 3))
        #expect(counter.count("10.0.0.1") == 3)
    }

    @Test func anIdleClientJournalClosesAndContinuesInASegmentChainedToIt() async throws {
        let directory = Fixtures.temporaryDirectory("segments")
        let journals = GateJournals(directory: directory, signer: JournalSigner(), hrecVersion: "test", idleTimeout: 3600)
        let sink = try await journals.sessionSink(for: identity)
        guard let segmented = sink as? SegmentedJournal else { Issue.record("not a segmented journal"); return }
        segmented.append(.marker("first call"))
        try await segmented.commit()
        let first = try #require(segmented.openSegment)
        #expect(!segmented.closeIfIdle(idleMicros: 60_000_000))  // not idle yet
        #expect(segmented.closeIfIdle(idleMicros: 0))
        #expect(segmented.openSegment == nil)
        segmented.append(.marker("second call"))
        try await segmented.commit()
        let second = try #require(segmented.openSegment)
        #expect(second != first)
        await journals.closeAll(reason: "test over")

        let trust = JournalTrust(anySigner: true)
        let firstReport = JournalVerifier.verify(path: first.path, trust: trust)
        #expect(firstReport.isIntact)
        #expect(JournalVerifier.verify(path: second.path, trust: trust).isIntact)
        let link = try #require(try JournalReader(url: second).header.previousSegment)
        #expect(link.file == first.lastPathComponent && link.segment == 0)
        #expect(link.chainHead == firstReport.chainHead)
        #expect(link.sessionID == (try JournalReader(url: first).header.sessionID.description))
    }
}
