import Foundation
import HrecTestSupport
import Testing
@testable import HrecJournal

@Suite struct RoundTripTests {
    let directory = Fixtures.temporaryDirectory("journal")

    @Test func everyRecordKindRoundTrips() throws {
        let event = try JournalEvent(type: "gate.request", payload: ["sql": "SELECT 1", "principal": "alice@example.com"])
        let records: [Record] = [
            Record(time: 1, body: .output(Array(0...255))),
            Record(time: 2, body: .input([0x03, 0x1b, 0xff, 0x00])),
            Record(time: 3, body: .resize(TerminalSize(columns: 132, rows: 43))),
            Record(time: 4, body: .marker("checkpoint ✓")),
            Record(time: 5, body: .redaction(Redaction(stream: "input", reason: "echo-off", length: 9))),
            Record(time: 6, body: .event(event)),
            Record(time: UInt64.max >> 1, body: .output([])),
        ]
        let url = directory.appendingPathComponent("all.hrec")
        let header = try JournalFactory.write(records, to: url, end: SessionEnd(exitStatus: 3, signal: nil, endedAtMicros: 42))
        let reader = try JournalReader(url: url)
        let read = try reader.allRecords()
        #expect(read.count == records.count + 2)
        #expect(read.first?.body == .header(reader.header))
        #expect(reader.header.sessionID == header.sessionID)
        #expect(reader.header.command == header.command)
        #expect(Array(read[1...records.count]) == records)
        guard case let .end(end)? = read.last?.body else { Issue.record("no end record"); return }
        #expect(end.exitStatus == 3)
        #expect(end.outputBytes == 256)
        #expect(end.inputBytes == 4)
        #expect(end.counts["output"] == 2 && end.counts["header"] == 1 && end.counts["end"] == 1)
        #expect(reader.ending == .complete(indexPresent: true))
        #expect(try reader.endRecord()?.exitStatus == 3)
    }

    @Test(arguments: [1, 7, 64, 1000])
    func randomStreamsRoundTripAcrossFrameSizes(seed: Int) throws {
        var random = SplitMix(seed: UInt64(seed))
        let records = try JournalFactory.mixedRecords(count: 50 + Int(random.next() % 400), seed: UInt64(seed))
        let frameBytes = [64, 512, 4096, 1 << 18][Int(random.next() % 4)]
        let url = directory.appendingPathComponent("random-\(seed).hrec")
        try JournalFactory.write(records, to: url, frameBytes: frameBytes)
        let reader = try JournalReader(url: url)
        let read = try reader.allRecords()
        #expect(Array(read.dropFirst().dropLast()) == records)
        #expect(reader.frames.map(\.sealedIndex) == (0..<UInt64(reader.frames.count)).map { $0 })
        let report = JournalVerifier.verify(path: url.path, trust: JournalTrust(anySigner: true))
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.intactRecords == UInt64(records.count + 2))
    }

    @Test func seekFindsTheFrameHoldingATime() throws {
        let records = (0..<2000).map { Record(time: UInt64($0) * 1000, body: .output(Array(repeating: UInt8(65 + $0 % 26), count: 100))) }
        let url = directory.appendingPathComponent("seek.hrec")
        try JournalFactory.write(records, to: url, frameBytes: 4096)
        let reader = try JournalReader(url: url)
        #expect(reader.frames.count > 40)
        for target in stride(from: UInt64(0), to: 2_000_000, by: 77_777) {
            let position = reader.framePosition(atOrBefore: target)
            let frame = reader.frames[position]
            #expect(frame.firstTime <= target)
            if position + 1 < reader.frames.count { #expect(reader.frames[position + 1].firstTime > target) }
        }
    }

    @Test func bytesAreKeptExactlyEvenWhenNotUTF8() throws {
        let invalid: [UInt8] = [0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x90, 0x28, 0xbc, 0x00, 0xff]
        let url = directory.appendingPathComponent("bytes.hrec")
        try JournalFactory.write([Record(time: 1, body: .output(invalid))], to: url)
        let read = try JournalReader(url: url).allRecords()
        #expect(read[1].body == .output(invalid))
    }

    @Test func appenderFlushesByTimeSoACrashLosesAtMostOneInterval() throws {
        let url = directory.appendingPathComponent("appender.hrec")
        let appender = try JournalAppender(url: url, header: JournalFactory.header(), signer: JournalSigner())
        appender.append(.output(Array("first".utf8)))
        Thread.sleep(forTimeInterval: 0.6)
        // Without close: the first record must already be on disk in a sealed frame.
        let reader = try JournalReader(url: url)
        let records = try reader.allRecords()
        #expect(records.contains { $0.body == .output(Array("first".utf8)) })
        #expect(reader.isTruncated)
        appender.append(.output(Array("second".utf8)))
        try appender.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 0))
        let closed = try JournalReader(url: url)
        #expect(!closed.isTruncated)
        #expect(try closed.allRecords().filter { if case .output = $0.body { true } else { false } }.count == 2)
    }

    @Test func writerRefusesToOverwriteAnExistingFile() throws {
        let url = directory.appendingPathComponent("exists.hrec")
        try JournalFactory.write([], to: url)
        #expect(throws: JournalError.self) { try JournalFactory.write([], to: url) }
    }
}

@Suite struct SeekIndexTests {
    @Test func readerUsesTheIndexAndRebuildsTheSameFramesByScanWhenItIsMissing() throws {
        let directory = Fixtures.temporaryDirectory("index")
        let url = directory.appendingPathComponent("indexed.hrec")
        try JournalFactory.write(try JournalFactory.mixedRecords(count: 200, seed: 3), to: url, frameBytes: 1024)
        let bytes = [UInt8](try Data(contentsOf: url))
        let scanned = FrameScanner.scan(bytes)
        let indexed = try #require(FrameScanner.indexed(bytes, publicKey: try JournalReader(url: url).signerPublicKey))
        #expect(indexed.frames == scanned.frames)
        #expect(indexed.frames.count > 10)
        // Without its index the journal still opens, by scan, with the same frames.
        let cut = directory.appendingPathComponent("no-index.hrec")
        try Data(bytes[0..<(scanned.indexOffset ?? 0)]).write(to: cut)
        let reader = try JournalReader(url: cut)
        #expect(reader.frames == scanned.frames)
        #expect(try reader.endRecord() != nil)
    }
}
