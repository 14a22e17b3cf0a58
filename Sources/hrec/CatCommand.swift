import ArgumentParser
import Foundation
import HrecExport
import HrecJournal

/// `hrec cat`: every record of a journal as one JSON object per line.
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print every record of a journal as one JSON object per line.",
        discussion: """
            Each line has "n" (record number), "t" (seconds since start), "kind" and the \
            record's fields. Byte payloads appear as base64 in "data" plus a printable \
            "text" preview. A truncated journal prints every complete frame and ends with an \
            error on stderr and exit status 2.
            """)

    @Argument(help: "The journal file.")
    var file: String

    func run() throws {
        let reader = try JournalReader(url: URL(fileURLWithPath: file))
        let output = FileHandle.standardOutput
        var number = 0
        var buffer = Data()
        try reader.forEachRecord { record in
            buffer.append(RecordJSON.line(record, number: number))
            buffer.append(0x0a)
            number += 1
            if buffer.count > 1 << 16 {
                output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(buffer)
        if case let .truncated(offset, reason) = reader.ending {
            throw CLIError("journal '\(file)' is truncated at byte \(offset): \(reason)", exitCode: 2)
        }
        if case let .malformed(offset, reason) = reader.ending {
            throw CLIError("journal '\(file)' is malformed at byte \(offset): \(reason)", exitCode: 1)
        }
    }
}
