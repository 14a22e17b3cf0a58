import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

/// Thousands of random and mutated inputs: no crash, no hang, a clear error each time.
@Suite struct FuzzTests {
    @Test func mutatedJournalsNeverCrashTheReaderOrVerifier() throws {
        let directory = Fixtures.temporaryDirectory("fuzz")
        let url = directory.appendingPathComponent("seed.hrec")
        try JournalFactory.write(try JournalFactory.mixedRecords(count: 40, seed: 9), to: url, frameBytes: 700)
        let original = [UInt8](try Data(contentsOf: url))
        var random = SplitMix(seed: 1234)
        var rejected = 0
        let target = directory.appendingPathComponent("mutant.hrec")
        for round in 0..<3000 {
            var bytes = original
            switch round % 5 {
            case 0: // random bytes overwritten
                for _ in 0..<(1 + random.next() % 8) { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
            case 1: // cut and spliced
                let a = Int(random.next() % UInt64(bytes.count)), b = Int(random.next() % UInt64(bytes.count))
                bytes = Array(bytes[0..<min(a, b)]) + Array(bytes[max(a, b)...])
            case 2: // pure noise with a valid preamble
                bytes = Array(bytes[0..<Preamble.frameSize]) + (0..<Int(random.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 3: // pure noise
                bytes = (0..<Int(random.next() % 500)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default: // a length field set to something huge
                let offset = Preamble.frameSize + 8 + 52
                if bytes.count > offset + 4 { bytes.replaceSubrange(offset..<offset + 4, with: [0xff, 0xff, 0xff, 0x7f]) }
            }
            let report = JournalVerifier.verify(bytes: bytes, path: "mutant", trust: JournalTrust(anySigner: true))
            if bytes != original {
                if let problem = report.problem {
                    #expect(!problem.detail.isEmpty)
                    rejected += 1
                }
            }
            try Data(bytes).write(to: target)
            #expect(readOutcome(target).isEmpty == false)
        }
        #expect(rejected > 2900)
    }

    /// Opens and reads a file; returns "ok" or the error's message.
    func readOutcome(_ url: URL) -> String {
        let reader: JournalReader
        do {
            reader = try JournalReader(url: url)
        } catch {
            return error.description
        }
        do {
            _ = try reader.allRecords()
        } catch {
            return error.description
        }
        return "ok"
    }
}
