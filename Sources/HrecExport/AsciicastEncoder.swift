import Foundation
import HrecJournal

/// `--format asciicast`: asciicast v2 (a header line, then `[time, code, data]` lines) that
/// asciinema plays.
///
/// Output and input become `"o"`/`"i"` events, resizes `"r"`, markers and structured events
/// `"m"` markers labelled with a one-line summary. asciicast data are JSON strings, so a UTF-8
/// sequence split across records is carried to the next event; bytes that are not UTF-8 at all
/// become U+FFFD (the only change; valid UTF-8 output is reproduced byte for byte).
public struct AsciicastEncoder: SessionEncoder {
    public init() {}

    public func encode(_ reader: JournalReader, emit: (Data) throws -> Void) throws {
        let header = reader.header
        var head: [String: Any] = [
            "version": 2,
            "width": Int(header.size?.columns ?? 80), "height": Int(header.size?.rows ?? 24),
            "timestamp": header.startedAtMicros / 1_000_000,
            "command": header.command.joined(separator: " "),
            "title": "hrec session \(header.sessionID) by \(header.identity?.email ?? header.osUser)",
        ]
        var env: [String: String] = [:]
        if let term = header.term { env["TERM"] = term }
        if let shell = header.environment["SHELL"] { env["SHELL"] = shell }
        head["env"] = env
        var buffer = try Self.json(head)
        buffer.append(0x0a)
        var pendingOutput: [UInt8] = []
        var pendingInput: [UInt8] = []
        try reader.eachRecord { record in
            let seconds = Double(record.time) / 1_000_000
            switch record.body {
            case let .output(bytes):
                if let text = Self.takeUTF8(&pendingOutput, adding: bytes) { try Self.line(seconds, "o", text, into: &buffer) }
            case let .input(bytes):
                if let text = Self.takeUTF8(&pendingInput, adding: bytes) { try Self.line(seconds, "i", text, into: &buffer) }
            case let .resize(size):
                try Self.line(seconds, "r", "\(size.columns)x\(size.rows)", into: &buffer)
            case let .marker(label):
                try Self.line(seconds, "m", label, into: &buffer)
            case let .event(event):
                try Self.line(seconds, "m", AccessEvent(event: event, time: record.time).label, into: &buffer)
            case .header, .redaction, .end:
                break
            }
            if buffer.count >= 1 << 16 {
                try emit(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !pendingOutput.isEmpty {
            try Self.line(Double(reader.duration) / 1_000_000, "o", String(decoding: pendingOutput, as: UTF8.self), into: &buffer)
        }
        try emit(buffer)
    }

    private static func line(_ seconds: Double, _ code: String, _ text: String, into buffer: inout Data) throws {
        buffer.append(try json([(seconds * 1_000_000).rounded() / 1_000_000, code, text]))
        buffer.append(0x0a)
    }

    private static func json(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Appends `bytes` to `pending` and returns the text up to the last complete UTF-8 sequence,
    /// keeping an unfinished trailing sequence (at most 3 bytes) in `pending`.
    static func takeUTF8(_ pending: inout [UInt8], adding bytes: [UInt8]) -> String? {
        pending += bytes
        var cut = pending.count
        // Look back at most 3 bytes for the start of an unfinished multi-byte sequence.
        var back = 1
        while back <= min(3, pending.count) {
            let byte = pending[pending.count - back]
            if byte & 0xc0 == 0x80 { back += 1; continue }
            if byte >= 0xc0 {
                let needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
                if needed > back { cut = pending.count - back }
            }
            break
        }
        guard cut > 0 else { return nil }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }
}

extension AccessEvent {
    /// A one-line label for markers: type, decision, statement kind, tables, principal.
    public var label: String {
        var parts = [type]
        if let decision { parts.append(decision.uppercased()) }
        if let statementKind { parts.append(statementKind) }
        if !resources.isEmpty { parts.append(resources.joined(separator: ",")) }
        if let principalEmail { parts.append("by \(principalEmail)") }
        if !approvers.isEmpty { parts.append("approved by \(approvers.joined(separator: ","))") }
        return parts.joined(separator: " ")
    }
}
