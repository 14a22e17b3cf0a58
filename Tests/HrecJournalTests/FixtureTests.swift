import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

/// The journals in fixtures/journals are named after what is wrong with them; each must read and
/// verify as its name says. `HREC_WRITE_FIXTURES=1 swift test --filter FixtureTests` rewrites them.
@Suite(.serialized) struct FixtureTests {
    static let directory = Fixtures.url("journals")
    static let signerURL = directory.appendingPathComponent("fixture-signer.key")

    /// Expected verification outcome per fixture (nil problem = intact).
    static let expectations: [(String, VerificationReport.ProblemKind?)] = [
        ("journal-ok.hrec", nil),
        ("journal-truncated-mid-frame.hrec", .truncated),
        ("journal-no-end-record.hrec", .truncated),
        ("journal-no-seek-index.hrec", .truncated),
        ("journal-modified-frame.hrec", .modified),
        ("journal-missing-frame.hrec", .missing),
        ("journal-reordered-frames.hrec", .reordered),
        ("journal-duplicated-frame.hrec", .duplicated),
        ("journal-bad-signature.hrec", .badSignature),
        ("journal-unknown-signer.hrec", .unknownSigner),
    ]

    @Test func fixturesVerifyAsTheirNamesSay() throws {
        if ProcessInfo.processInfo.environment["HREC_WRITE_FIXTURES"] == "1" { try Self.writeFixtures() }
        let signer = try JournalSigner(contentsOf: Self.signerURL)
        let trust = JournalTrust(keys: [signer.publicKey])
        for (name, expected) in Self.expectations {
            let report = JournalVerifier.verify(path: Self.directory.appendingPathComponent(name).path, trust: trust)
            #expect(report.problem?.kind == expected, "\(name): \(String(describing: report.problem))")
        }
    }

    @Test func theGoodFixtureHoldsTheDocumentedRecords() throws {
        let reader = try JournalReader(url: Self.directory.appendingPathComponent("journal-ok.hrec"))
        let records = try reader.allRecords()
        #expect(reader.header.command == ["bash", "-c", "printf 'hello\\n'"])
        #expect(reader.header.formatVersion == 1)
        #expect(Set(records.map(\.kind)) == Set(RecordKind.allCases))
        #expect(reader.frames.count >= 4)
        #expect(reader.ending == .complete(indexPresent: true))
    }

    static func writeFixtures() throws {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let signer: JournalSigner
        if let existing = try? JournalSigner(contentsOf: signerURL) { signer = existing } else {
            signer = JournalSigner()
            try signer.write(to: signerURL)
        }
        var header = JournalFactory.header(command: ["bash", "-c", "printf 'hello\\n'"])
        header.sessionID = SessionID(hex: "00112233445566778899aabbccddeeff")!
        let event = try JournalEvent(type: "gate.request", payload: ["endpoint": "jobs.query", "sql": "SELECT 1"])
        var records: [Record] = [
            Record(time: 1000, body: .resize(TerminalSize(columns: 80, rows: 24))),
            Record(time: 2000, body: .input(Array("printf 'hello\\n'\r".utf8))),
            Record(time: 3000, body: .output(Array("hello\r\n".utf8))),
            Record(time: 4000, body: .redaction(Redaction(stream: "input", reason: "echo-off", length: 7))),
            Record(time: 5000, body: .marker("after password")),
            Record(time: 6000, body: .event(event)),
        ]
        for index in 0..<40 {
            records.append(Record(time: 7000 + UInt64(index) * 100, body: .output(Array("line \(index) \u{1b}[32mok\u{1b}[0m\r\n".utf8))))
        }
        let end = SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: header.startedAtMicros + 20_000)
        func path(_ name: String) -> URL { directory.appendingPathComponent(name) }
        for name in expectations.map(\.0) { try? FileManager.default.removeItem(at: path(name)) }
        try JournalFactory.write(records, to: path("journal-ok.hrec"), signer: signer, header: header, frameBytes: 300, end: end)
        let good = [UInt8](try Data(contentsOf: path("journal-ok.hrec")))
        let scan = FrameScanner.scan(good)
        let preamble = Array(good[0..<Preamble.frameSize])
        let frames = scan.frames.map { Array(good[Int($0.offset)..<$0.dataOffset + Int($0.compressedLength)]) }
        let index = Array(good[(scan.indexOffset ?? good.count)...])

        let cutFrame = scan.frames[2]
        try Data(good[0..<(cutFrame.dataOffset + 5)]).write(to: path("journal-truncated-mid-frame.hrec"))
        try JournalFactory.write(records, to: path("journal-no-end-record.hrec"), signer: signer, header: header, frameBytes: 300, end: nil)
        try Data(preamble + frames.joined()).write(to: path("journal-no-seek-index.hrec"))
        var modified = good
        modified[frames[0].count + Preamble.frameSize + FrameSeal.frameSize + 4] ^= 0x20
        try Data(modified).write(to: path("journal-modified-frame.hrec"))
        var missing = frames; missing.remove(at: 2)
        try Data(preamble + missing.joined() + index).write(to: path("journal-missing-frame.hrec"))
        var reordered = frames; reordered.swapAt(1, 2)
        try Data(preamble + reordered.joined() + index).write(to: path("journal-reordered-frames.hrec"))
        var duplicated = frames; duplicated.insert(frames[1], at: 2)
        try Data(preamble + duplicated.joined() + index).write(to: path("journal-duplicated-frame.hrec"))
        // Frame 1 replaced by the same frame signed with another key.
        let intruder = JournalSigner()
        let foreignURL = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID()).hrec")
        try JournalFactory.write(records, to: foreignURL, signer: intruder, header: header, frameBytes: 300, end: end)
        let foreign = [UInt8](try Data(contentsOf: foreignURL))
        let foreignFrames = FrameScanner.scan(foreign).frames.map { Array(foreign[Int($0.offset)..<$0.dataOffset + Int($0.compressedLength)]) }
        var resigned = frames; resigned[1] = foreignFrames[1]
        try Data(preamble + resigned.joined() + index).write(to: path("journal-bad-signature.hrec"))
        try Data(foreign).write(to: path("journal-unknown-signer.hrec"))
    }
}
