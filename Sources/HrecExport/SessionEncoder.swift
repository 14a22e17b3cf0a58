import Foundation
import HrecJournal

/// Turns one journal into one export format, writing bytes through `emit` as it goes.
public protocol SessionEncoder {
    /// Encodes every complete record of `reader`.
    /// - Throws: `ExportError` when a frame cannot be decoded (what was emitted before stays valid).
    func encode(_ reader: JournalReader, emit: (Data) throws -> Void) throws
}

/// The export formats of `hrec export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, asciicast, csv

    /// The encoder for this format.
    public var encoder: any SessionEncoder {
        switch self {
        case .jsonl: JSONLinesEncoder()
        case .asciicast: AsciicastEncoder()
        case .csv: AccessLogEncoder()
        }
    }
}

extension JournalReader {
    /// `forEachRecord` with decoding failures turned into `ExportError.journal`.
    func eachRecord(_ body: (Record) throws -> Void) throws {
        for position in frames.indices {
            let records: [Record]
            do {
                records = try self.records(inFrame: position)
            } catch {
                throw ExportError.journal(path: url.path, reason: error.description)
            }
            for record in records { try body(record) }
        }
    }
}

/// `--format jsonl`: every record as one JSON object per line (the `hrec cat` rendering).
public struct JSONLinesEncoder: SessionEncoder {
    public init() {}

    public func encode(_ reader: JournalReader, emit: (Data) throws -> Void) throws {
        var number = 0
        var buffer = Data()
        try reader.eachRecord { record in
            buffer.append(RecordJSON.line(record, number: number))
            buffer.append(0x0a)
            number += 1
            if buffer.count >= 1 << 16 {
                try emit(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try emit(buffer)
    }
}
