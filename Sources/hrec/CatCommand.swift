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
            "text" preview. A truncated journal prints every complete frame, then says so on \
            stderr and exits with status 2; a damaged journal prints the intact frames before \
            the damage, names it on stderr and exits with status 1 (as 'hrec info' and \
            'hrec export').
            """)

    @Argument(help: "The journal file.")
    var file: String

    func run() throws {
        let journal = try IntactJournal(path: file)
        let reader = journal.reader
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
        if let shortfall = journal.shortfall(did: "printed") { throw shortfall }
    }
}
