import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

/// `JournalAppender.commit()` runs the writer's turn on the caller's thread when no pool thread
/// has the journal; these check that it stays one writer, in order, with nothing lost.
@Suite struct AppenderCommitTests {
    let directory = Fixtures.temporaryDirectory("commit")

    private func outputs(_ url: URL) throws -> [String] {
        try JournalReader(url: url).allRecords().compactMap {
            if case let .output(bytes) = $0.body { String(decoding: bytes, as: UTF8.self) } else { nil }
        }
    }

    @Test func aCommitPutsEveryEarlierRecordInTheFileBeforeItReturns() async throws {
        let url = directory.appendingPathComponent("commit.hrec")
        var options = JournalWriter.Options()
        options.flushIntervalMicros = 60_000_000  // only the commit can have written it
        let appender = try JournalAppender(url: url, header: JournalFactory.header(), signer: JournalSigner(), options: options)
        for index in 0..<3 { appender.append(.output(Array("record \(index)".utf8))) }
        try await appender.commit()
        #expect(try outputs(url) == ["record 0", "record 1", "record 2"])
        try appender.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 0))
    }

    @Test func aFullFrameIsWrittenWithoutWaitingForTheInterval() throws {
        let url = directory.appendingPathComponent("full.hrec")
        var options = JournalWriter.Options()
        options.frameBytes = 4096
        options.flushIntervalMicros = 60_000_000
        let appender = try JournalAppender(url: url, header: JournalFactory.header(), signer: JournalSigner(), options: options)
        for index in 0..<64 { appender.append(.output(Array(repeating: UInt8(ascii: "a"), count: 100) + Array("\(index)".utf8))) }
        let deadline = Date().addingTimeInterval(5)
        var written: [String] = []
        while written.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            written = (try? outputs(url)) ?? []
        }
        #expect(!written.isEmpty, "a frame's worth of records waited for the 60 s interval")
        try appender.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 0))
        #expect(try outputs(url).count == 64)
    }

    @Test func committersOnManyThreadsAndAnAppenderKeepEveryRecordInTheOrderEachWrote() async throws {
        let url = directory.appendingPathComponent("many.hrec")
        var options = JournalWriter.Options()
        options.frameBytes = 2048
        options.flushIntervalMicros = 2_000
        let signer = JournalSigner()
        let appender = try JournalAppender(url: url, header: JournalFactory.header(), signer: signer, options: options)
        let committers = 8, perCommitter = 150
        // A pty-like producer appends without committing while the gate-like tasks commit.
        let screenDone = DispatchSemaphore(value: 0)
        Thread {
            for index in 0..<2000 { appender.append(.output(Array("screen \(index)".utf8))) }
            screenDone.signal()
        }.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for committer in 0..<committers {
                group.addTask {
                    for index in 0..<perCommitter {
                        appender.append(.output(Array("task \(committer) \(index)".utf8)))
                        try await appender.commit()
                    }
                }
            }
            try await group.waitForAll()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { screenDone.wait(); continuation.resume() }
        }
        try appender.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 0))

        let report = JournalVerifier.verify(path: url.path, trust: JournalTrust(keys: [signer.publicKey]))
        #expect(report.problem == nil)
        let written = try outputs(url)
        #expect(written.count == 2000 + committers * perCommitter)
        #expect(written.filter { $0.hasPrefix("screen ") } == (0..<2000).map { "screen \($0)" })
        for committer in 0..<committers {
            #expect(written.filter { $0.hasPrefix("task \(committer) ") } == (0..<perCommitter).map { "task \(committer) \($0)" })
        }
    }

    @Test func aCommitAfterCloseFailsInsteadOfClaimingTheRecordIsWritten() async throws {
        let url = directory.appendingPathComponent("closed.hrec")
        let appender = try JournalAppender(url: url, header: JournalFactory.header(), signer: JournalSigner())
        try appender.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 0))
        appender.append(.output(Array("late".utf8)))
        await #expect(throws: JournalError.self) { try await appender.commit() }
        #expect(try outputs(url).isEmpty)
    }
}
