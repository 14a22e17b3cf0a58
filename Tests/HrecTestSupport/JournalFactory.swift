import Foundation
import HrecJournal

/// Writes small journals for tests, with a fixed or given signer.
public enum JournalFactory {
    /// A header with plausible values.
    public static func header(command: [String] = ["bash", "-c", "echo hi"]) -> SessionHeader {
        SessionHeader(sessionID: SessionID(), startedAtMicros: 1_763_800_000_000_000, host: "testhost", osUser: "tester",
                      identity: Identity(email: "alice@example.com", subject: "alice", issuer: "https://issuer.test",
                                         groups: ["eng"], verified: true),
                      command: command, cwd: "/tmp", term: "xterm-256color", size: TerminalSize(columns: 80, rows: 24),
                      environment: ["LANG": "C.UTF-8"], hrecVersion: "test")
    }

    /// Writes `records` (after the header) to a new journal at `url`, one frame per `frameBytes`.
    /// - Parameter close: when false, the journal is abandoned without an end record.
    @discardableResult
    public static func write(_ records: [Record], to url: URL, signer: JournalSigner = JournalSigner(),
                             header: SessionHeader = header(), frameBytes: Int = 256 * 1024,
                             end: SessionEnd? = SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: 1_763_800_010_000_000)) throws -> SessionHeader {
        var options = JournalWriter.Options()
        options.frameBytes = frameBytes
        let writer = try JournalWriter(url: url, header: header, signer: signer, options: options)
        for record in records { try writer.append(record) }
        if let end {
            try writer.close(end: end, at: (records.last?.time ?? 0) + 1)
        } else {
            writer.abandon()
        }
        return header
    }

    /// A deterministic mix of every record kind, `count` records long.
    public static func mixedRecords(count: Int, seed: UInt64 = 1) throws -> [Record] {
        var random = SplitMix(seed: seed)
        var records: [Record] = []
        var time: UInt64 = 10
        for index in 0..<count {
            time += random.next() % 50_000
            let body: Record.Body
            switch index % 7 {
            case 0, 1, 2:
                body = .output((0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            case 3:
                body = .input((0..<Int(random.next() % 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            case 4:
                body = .resize(TerminalSize(columns: UInt16(random.next() % 300), rows: UInt16(random.next() % 100)))
            case 5:
                body = index % 2 == 0 ? .marker("mark \(index) ✓") : .redaction(Redaction(stream: "input", reason: "echo-off", length: random.next() % 64))
            default:
                body = .event(try JournalEvent(type: "test.event", payload: ["index": "\(index)", "sql": "SELECT \(index)"]))
            }
            records.append(Record(time: time, body: body))
        }
        return records
    }
}

/// A small deterministic random number generator for reproducible tests.
public struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
