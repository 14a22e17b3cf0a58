import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

/// Corruption, truncation and frame-level tampering are all reported, each as what it is.
@Suite struct TamperTests {
    let directory = Fixtures.temporaryDirectory("tamper")
    let trust = JournalTrust(anySigner: true)

    /// A small journal of several frames.
    func smallJournal() throws -> [UInt8] {
        let url = directory.appendingPathComponent("small-\(UUID().uuidString).hrec")
        let records = try JournalFactory.mixedRecords(count: 30, seed: 5)
        try JournalFactory.write(records, to: url, frameBytes: 512)
        return [UInt8](try Data(contentsOf: url))
    }

    @Test func flippingAnySingleByteIsReported() throws {
        let original = try smallJournal()
        #expect(JournalVerifier.verify(bytes: original, path: "ok", trust: trust).isIntact)
        var kinds: [VerificationReport.ProblemKind: Int] = [:]
        for offset in original.indices {
            var bytes = original
            bytes[offset] ^= 0x01
            let report = JournalVerifier.verify(bytes: bytes, path: "flip", trust: trust)
            guard let problem = report.problem else {
                Issue.record("flip at byte \(offset) of \(original.count) was not reported (index starts at \(FrameScanner.scan(original).indexOffset ?? -1))")
                continue
            }
            #expect(problem.kind != .truncated, "flip at \(offset) reported as truncation: \(problem.detail)")
            // Reported at the frame holding the flipped byte (a preamble flip shows at frame 0).
            #expect(problem.offset <= UInt64(max(offset, Preamble.frameSize)) || problem.frame == nil,
                    "flip at \(offset) reported at \(problem.offset): \(problem.detail)")
            kinds[problem.kind, default: 0] += 1
        }
        #expect(kinds[.modified, default: 0] > original.count / 2)
        #expect(kinds[.badSignature, default: 0] > 0)
    }

    @Test func truncationAtEveryOffsetIsTruncationNotTampering() throws {
        let original = try smallJournal()
        let full = try JournalReader(url: writeTemp(original))
        let totalFrames = full.frames.count
        for cut in 0..<original.count {
            let bytes = Array(original[0..<cut])
            let report = JournalVerifier.verify(bytes: bytes, path: "cut", trust: trust)
            #expect(report.problem?.kind == .truncated, "cut at \(cut): \(String(describing: report.problem))")
            // The reader returns every complete frame before the cut.
            let expectedFrames = full.frames.filter { $0.offset + UInt64(FrameSeal.frameSize) + UInt64($0.compressedLength) <= UInt64(cut) }.count
            #expect(report.intactFrames == expectedFrames, "cut at \(cut)")
            if expectedFrames > 0 {
                let reader = try JournalReader(url: writeTemp(bytes))
                #expect(reader.frames.count == expectedFrames)
                #expect(reader.isTruncated)
                let records = try reader.allRecords()
                #expect(records.count == Int(full.frames[expectedFrames - 1].firstRecord) + Int(full.frames[expectedFrames - 1].recordCount))
            }
        }
        #expect(totalFrames > 3)
    }

    /// Splits a journal into preamble, frames (seal + data) and the trailing index.
    func parts(_ bytes: [UInt8]) throws -> (preamble: [UInt8], frames: [[UInt8]], index: [UInt8]) {
        let scan = FrameScanner.scan(bytes)
        var frames: [[UInt8]] = []
        for frame in scan.frames {
            let start = Int(frame.offset)
            frames.append(Array(bytes[start..<frame.dataOffset + Int(frame.compressedLength)]))
        }
        let indexStart = scan.indexOffset ?? bytes.count
        return (Array(bytes[0..<Preamble.frameSize]), frames, Array(bytes[indexStart...]))
    }

    @Test func droppedFrameIsMissing() throws {
        let (preamble, frames, index) = try parts(try smallJournal())
        var tampered = frames
        tampered.remove(at: 2)
        let report = JournalVerifier.verify(bytes: preamble + tampered.joined() + index, path: "drop", trust: trust)
        #expect(report.problem?.kind == .missing)
        #expect(report.problem?.frame == 2)
        #expect(report.intactFrames == 2)
    }

    @Test func swappedFramesAreReordered() throws {
        let (preamble, frames, index) = try parts(try smallJournal())
        var tampered = frames
        tampered.swapAt(1, 3)
        let report = JournalVerifier.verify(bytes: preamble + tampered.joined() + index, path: "swap", trust: trust)
        #expect(report.problem?.kind == .reordered)
        #expect(report.problem?.frame == 1)
    }

    @Test func repeatedFrameIsDuplicated() throws {
        let (preamble, frames, index) = try parts(try smallJournal())
        var tampered = frames
        tampered.insert(frames[1], at: 2)
        let report = JournalVerifier.verify(bytes: preamble + tampered.joined() + index, path: "dup", trust: trust)
        #expect(report.problem?.kind == .duplicated)
        #expect(report.problem?.frame == 2)
    }

    @Test func droppingTheTailLooksLikeACrashAndIsToldApartFromACleanEnd() throws {
        let (preamble, frames, index) = try parts(try smallJournal())
        let cut = JournalVerifier.verify(bytes: preamble + frames.dropLast().joined(), path: "tail", trust: trust)
        #expect(cut.problem?.kind == .truncated)
        #expect(!cut.complete)
        let noIndex = JournalVerifier.verify(bytes: preamble + frames.joined(), path: "noindex", trust: trust)
        #expect(noIndex.problem?.kind == .truncated)
        #expect(noIndex.intactFrames == frames.count)
        #expect(noIndex.problem?.detail.contains("every record is present") == true)
        let clean = JournalVerifier.verify(bytes: preamble + frames.joined() + index, path: "clean", trust: trust)
        #expect(clean.isIntact && clean.complete)
    }

    @Test func aJournalSignedByAnotherKeyIsUnknownSignerUnlessTrusted() throws {
        let url = directory.appendingPathComponent("other.hrec")
        let signer = JournalSigner()
        try JournalFactory.write([], to: url, signer: signer)
        let strict = JournalVerifier.verify(path: url.path, trust: JournalTrust())
        #expect(strict.problem?.kind == .unknownSigner)
        let trusted = JournalVerifier.verify(path: url.path, trust: JournalTrust(keys: [signer.publicKey]))
        #expect(trusted.isIntact)
    }

    @Test func aFrameResignedWithAnotherKeyIsBadSignature() throws {
        let url = directory.appendingPathComponent("a.hrec")
        let other = directory.appendingPathComponent("b.hrec")
        let header = JournalFactory.header()
        let records = try JournalFactory.mixedRecords(count: 30, seed: 5)
        try JournalFactory.write(records, to: url, header: header, frameBytes: 512)
        try JournalFactory.write(records, to: other, header: header, frameBytes: 512)
        let (preamble, frames, index) = try parts([UInt8](try Data(contentsOf: url)))
        let (_, foreign, _) = try parts([UInt8](try Data(contentsOf: other)))
        var tampered = frames
        tampered[2] = foreign[2]
        let report = JournalVerifier.verify(bytes: preamble + tampered.joined() + index, path: "resigned", trust: trust)
        #expect(report.problem?.kind == .badSignature)
        #expect(report.problem?.frame == 2)
    }

    func writeTemp(_ bytes: [UInt8]) throws -> URL {
        let url = directory.appendingPathComponent("tmp-\(UUID().uuidString).hrec")
        try Data(bytes).write(to: url)
        return url
    }
}
