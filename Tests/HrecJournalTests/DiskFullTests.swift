import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

/// A journal on a tiny tmpfs that fills up: a failed or short write never leaves a frame that
/// reads as tampering, everything written before stays readable, and writing resumes when space
/// returns. Needs root (mount); skipped otherwise.
@Suite(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"), .serialized)
struct DiskFullTests {
    let trust = JournalTrust(anySigner: true)

    /// A fresh tmpfs of `kilobytes`, unmounted by `body`'s end.
    func withTmpfs(kilobytes: Int, _ body: (URL) throws -> Void) throws {
        let mountPoint = Fixtures.temporaryDirectory("tmpfs-\(UUID().uuidString.prefix(8))")
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", mountPoint.path])
        defer { try? run("/bin/umount", ["-l", mountPoint.path]) }
        try body(mountPoint)
    }

    func run(_ tool: String, _ arguments: [String]) throws {
        let process = try Process.run(URL(fileURLWithPath: tool), arguments: arguments)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw JournalError.invalidEvent("\(tool) \(arguments) failed") }
    }

    /// Incompressible output, so frames are as large as their records.
    func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    @Test func aWriteThatHitsENOSPCIsCutBackAndTheJournalReadsAsTruncatedNotModified() throws {
        try withTmpfs(kilobytes: 512) { directory in
            let filler = directory.appendingPathComponent("filler")
            try Data(noise(160 * 1024, seed: 99)).write(to: filler)
            let url = directory.appendingPathComponent("full.hrec")
            var options = JournalWriter.Options()
            options.reserveBytes = 0  // no reserve: the writes themselves meet ENOSPC
            let writer = try JournalWriter(url: url, header: JournalFactory.header(), signer: JournalSigner(), options: options)
            var written = 0
            var failure: JournalError?
            for index in 0..<200 {
                // 48 KiB frames: the one that does not fit is written partly, then fails.
                try writer.append(Record(time: UInt64(index), body: .output(noise(48 * 1024, seed: UInt64(index)))))
                do throws(JournalError) {
                    try writer.flush()
                    written = index + 1
                } catch {
                    failure = error
                    break
                }
            }
            guard case let .io(_, _, code)? = failure else { Issue.record("the disk never filled"); return }
            #expect(code == ENOSPC)
            #expect(written > 3)
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? -1
            let report = JournalVerifier.verify(path: url.path, trust: trust)
            #expect(report.problem?.kind == .truncated, "\(String(describing: report.problem))")
            #expect(report.intactBytes == UInt64(size), "no torn bytes after the last complete frame")
            #expect(report.intactRecords == UInt64(written) + 1)  // the header and every flushed record
            #expect(writer.hasPending)  // the record that did not fit is kept for the next attempt

            // Space returns: the pending record is written and the journal closes cleanly.
            try FileManager.default.removeItem(at: filler)
            try writer.flush()
            try writer.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 1), at: 1000)
            let closed = JournalVerifier.verify(path: url.path, trust: trust)
            #expect(closed.isIntact, "\(String(describing: closed.problem))")
            #expect(closed.intactRecords == UInt64(written) + 3)  // header, records, the one kept, end
        }
    }
}
