import Foundation
import HrecExport
import HrecJournal
import HrecTestSupport
import Testing

/// The export fixtures: journals made from real programs captured in a pty by
/// fixtures/journals/export-capture.py, written with JournalWriter by `writeFixtures` below.
enum FixtureJournals {
    static let names = ["alice-sales", "bob-denied", "carol-exit3"]

    static func url(_ name: String) -> URL { Fixtures.url("journals/export-\(name).hrec") }

    /// The public key that signed the fixtures.
    static var signerPublicKey: URL { Fixtures.url("journals/export-signer.pub") }

    static var trust: JournalTrust {
        get throws { try JournalTrust.local(extraFiles: [signerPublicKey]) }
    }

    /// Copies the fixture journals into a fresh temporary directory.
    static func copy(_ label: String) throws -> URL {
        let directory = Fixtures.temporaryDirectory(label)
        for name in names {
            try FileManager.default.copyItem(at: url(name), to: directory.appendingPathComponent("export-\(name).hrec"))
        }
        return directory
    }

    struct CaptureError: Error { var what: String }

    static func need<T>(_ value: Any?, _ what: String) throws -> T {
        guard let typed = value as? T else { throw CaptureError(what: what) }
        return typed
    }

    /// The records and header described by a capture file.
    static func records(capture name: String) throws -> (SessionHeader, [Record], SessionEnd) {
        let data = try Data(contentsOf: Fixtures.url("journals/export-\(name).capture.json"))
        let doc: [String: Any] = try need(try JSONSerialization.jsonObject(with: data), "capture object")
        let started: Int64 = try need(doc["startedAtMicros"], "startedAtMicros")
        let header = SessionHeader(
            sessionID: SessionID(), startedAtMicros: started, host: "fixture-host", osUser: try need(doc["osUser"], "osUser"),
            identity: Identity(email: doc["email"] as? String, subject: try need(doc["subject"], "subject"),
                               issuer: "https://issuer.test", groups: [], verified: true),
            command: try need(doc["command"], "command"), cwd: "/work", term: "xterm-256color",
            size: TerminalSize(columns: 80, rows: 24), environment: ["LANG": "C.UTF-8"], hrecVersion: "fixture",
            policyDigest: String(repeating: "ab", count: 32))
        var records: [Record] = []
        for chunk in try need(doc["output"], "output") as [[Any]] {
            let time: UInt64 = try need(chunk[0], "output time")
            let bytes: Data = try need(Data(base64Encoded: try need(chunk[1], "output data") as String), "base64")
            records.append(Record(time: time, body: .output([UInt8](bytes))))
        }
        for item in try need(doc["events"], "events") as [[Any]] {
            let time: UInt64 = try need(item[0], "event time")
            let object: [String: Any] = try need(item[1], "event object")
            let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            records.append(Record(time: time, body: .event(JournalEvent(type: try need(object["type"], "type"), json: [UInt8](json)))))
        }
        records.sort { $0.time < $1.time }
        let last = records.last?.time ?? 0
        let status: Int = try need(doc["exitStatus"], "exitStatus")
        let end = SessionEnd(exitStatus: Int32(status), signal: nil, endedAtMicros: started + Int64(last) + 1000)
        return (header, records, end)
    }
}

@Suite struct FixtureJournalTests {
    /// Regenerates fixtures/journals/export-*.hrec from the captures (HREC_WRITE_FIXTURES=1).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HREC_WRITE_FIXTURES"] == "1"))
    func writeFixtures() throws {
        let signer = JournalSigner()
        try JournalTrust.publicKeyText(signer.publicKey).write(to: FixtureJournals.signerPublicKey, atomically: true, encoding: .utf8)
        for name in FixtureJournals.names {
            let (header, records, end) = try FixtureJournals.records(capture: name)
            let url = FixtureJournals.url(name)
            try? FileManager.default.removeItem(at: url)
            try JournalFactory.write(records, to: url, signer: signer, header: header, end: end)
        }
    }

    /// The committed journals hold exactly the captured output.
    @Test(arguments: FixtureJournals.names)
    func fixtureMatchesCapture(name: String) throws {
        let (_, expected, end) = try FixtureJournals.records(capture: name)
        let reader = try JournalReader(url: FixtureJournals.url(name))
        let records = try reader.allRecords().filter { if case .output = $0.body { true } else if case .event = $0.body { true } else { false } }
        #expect(records == expected)
        #expect(try reader.endRecord()?.exitStatus == end.exitStatus)
        #expect(JournalVerifier.verify(path: reader.url.path, trust: try FixtureJournals.trust).isIntact)
    }
}
