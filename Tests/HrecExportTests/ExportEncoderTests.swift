import Foundation
@testable import HrecExport
import HrecJournal
import HrecTestSupport
import Testing

@Suite struct ExportEncoderTests {
    static func encode(_ format: ExportFormat, _ url: URL) throws -> Data {
        var data = Data()
        try format.encoder.encode(try JournalReader(url: url)) { data.append($0) }
        return data
    }

    @Test(arguments: FixtureJournals.names)
    func asciicastOutputEqualsJournalOutput(name: String) throws {
        let url = FixtureJournals.url(name)
        let lines = String(decoding: try Self.encode(.asciicast, url), as: UTF8.self).split(separator: "\n")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2)
        #expect(header["width"] as? Int == 80)
        var output = "", markers: [String] = [], lastTime = 0.0
        for line in lines.dropFirst() {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
            let time = try #require(event[0] as? Double)
            #expect(time >= lastTime)
            lastTime = time
            switch event[1] as? String {
            case "o": output += try #require(event[2] as? String)
            case "m": markers.append(try #require(event[2] as? String))
            default: break
            }
        }
        var journalOutput: [UInt8] = []
        try JournalReader(url: url).forEachRecord { if case let .output(bytes) = $0.body { journalOutput += bytes } }
        #expect(Array(output.utf8) == journalOutput)
        let (_, records, _) = try FixtureJournals.records(capture: name)
        #expect(markers.count == records.filter { if case .event = $0.body { true } else { false } }.count)
    }

    /// UTF-8 sequences split across records are carried whole into the next event.
    @Test(arguments: [
        ([[0xc3], [0xa9, 0x21]], ["", "é!"]),
        ([[0x61, 0xe2, 0x9c], [0x93]], ["a", "✓"]),
        ([[0xf0, 0x9f], [0x98], [0x80, 0x0a]], ["", "", "😀\n"]),
        ([[0x41, 0x42]], ["AB"]),
    ] as [([[UInt8]], [String])])
    func utf8Carry(chunks: [[UInt8]], expected: [String]) {
        var pending: [UInt8] = []
        let texts = chunks.map { AsciicastEncoder.takeUTF8(&pending, adding: $0) ?? "" }
        #expect(texts == expected)
        #expect(pending.isEmpty)
    }

    @Test func accessLogRows() throws {
        let text = String(decoding: try Self.encode(.csv, FixtureJournals.url("bob-denied")), as: UTF8.self)
        let rows = CSVParser.rows(text)
        #expect(rows.first == AccessLogEncoder.columns)
        #expect(rows.count == 3)
        let deny = rows[1]
        #expect(deny[1] == "bob@example.com")
        #expect(deny[3] == "10.0.0.9")
        #expect(deny[5] == "jobs.insert")
        #expect(deny[6] == "hr.salaries")
        #expect(deny[7] == "DELETE")
        #expect(deny[8] == "deny")
        #expect(deny[9] == "no-dml-on-hr")
        #expect(rows[2][10] == "carol@example.com")
        #expect(rows[2][11] == "1024")
        #expect(rows[2][12] == "10")
    }

    @Test func jsonlHasEveryRecord() throws {
        let url = FixtureJournals.url("alice-sales")
        let lines = String(decoding: try Self.encode(.jsonl, url), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == (try JournalReader(url: url).allRecords().count))
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["kind"] as? String == "header")
    }

    /// Gate event fields are read by name, from several spellings, and missing fields stay empty.
    @Test(arguments: [
        (#"{"type":"gate.request","principal":{"email":"a@x"},"tables":["d.t"],"decision":"DENY"}"#, "a@x", ["d.t"], "deny"),
        (#"{"type":"policy.decision","principalEmail":"b@x","resources":"d.u","decision":{"action":"review"}}"#, "b@x", ["d.u"], "review"),
        (#"{"type":"gate.request"}"#, nil, [], nil),
        // The gate branch's schema (docs/gate-events.md): request by parts, decision with statements.
        (#"{"type":"gate.request","principal":{"email":"c@x","subject":"c"},"project":"p","dataset":"d","table":"t","endpoint":"tabledata.list"}"#, "c@x", ["p.d.t"], nil),
        (#"{"type":"policy.decision","action":"deny","rules":["r1"],"statements":[{"kind":"DELETE","reads":[],"writes":["p.hr.pay"]}]}"#, nil, ["p.hr.pay"], "deny"),
        (#"{"type":"gate.token","outcome":"refused","reason":"expired"}"#, nil, [], nil),
    ] as [(String, String?, [String], String?)])
    func accessEventFields(json: String, email: String?, tables: [String], decision: String?) {
        let event = AccessEvent(event: JournalEvent(type: "x", json: Array(json.utf8)), time: 7)
        #expect(event.principalEmail == email)
        #expect(event.resources == tables)
        #expect(event.decision == decision)
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
    ])
    func csvQuoting(field: String, quoted: String) {
        #expect(CSVTable.quote(field) == quoted)
        var table = CSVTable(columns: ["x"])
        table.append([field])
        #expect(CSVParser.rows(table.text) == [["x"], [field]])
    }
}

@Suite struct AccessLogMergerTests {
    static func event(_ json: String, at time: UInt64) -> AccessEvent {
        let type = ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any])?["type"] as? String
        return AccessEvent(event: JournalEvent(type: type ?? "", json: Array(json.utf8)), time: time)
    }

    /// The gate branch's sequence for one call becomes one entry with the request's time.
    @Test func joinsRequestDecisionAndResponse() {
        var merger = AccessLogMerger()
        var entries: [AccessEvent] = []
        let other = Self.event(#"{"type":"gate.request","requestID":"r2","endpoint":"tabledata.list","project":"p","dataset":"d","table":"u"}"#, at: 15)
        entries += merger.add(Self.event(#"{"type":"gate.request","requestID":"r1","principal":{"email":"a@x"},"clientIP":"1.2.3.4","endpoint":"jobs.query","sql":"DELETE FROM p.hr.pay"}"#, at: 10))
        entries += merger.add(Self.event(#"{"type":"policy.decision","action":"deny","rules":["no-dml"],"statements":[{"kind":"DELETE","reads":[],"writes":["p.hr.pay"]}]}"#, at: 11))
        entries += merger.add(other)
        #expect(entries.isEmpty)
        entries += merger.add(Self.event(#"{"type":"gate.response","requestID":"r1","decision":"deny","reason":"no DML","status":403}"#, at: 12))
        #expect(entries.count == 1)
        let call = entries[0]
        #expect(call.time == 10)
        #expect(call.principalEmail == "a@x" && call.clientIP == "1.2.3.4" && call.endpoint == "jobs.query")
        #expect(call.statementKind == "DELETE" && call.resources == ["p.hr.pay"])
        #expect(call.decision == "deny" && call.ruleIDs == ["no-dml"] && call.reason == "no DML")
        #expect(merger.finish().map(\.resources) == [["p.d.u"]])
    }
}
