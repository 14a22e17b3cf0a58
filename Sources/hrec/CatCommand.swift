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

            --response REQUEST_ID prints instead the exact body the gate returned for that call \
            (its gate.response and gate.response.body records joined); when the journal's cap \
            cut it, what was kept, and on stderr the full size and SHA-256.
            """)

    @Argument(help: "The journal file.")
    var file: String

    @Option(name: .customLong("response"), help: ArgumentHelp("Print the response body of this gate request id, byte for byte.", valueName: "REQUEST_ID"))
    var response: String?

    func run() throws {
        let journal = try IntactJournal(path: file)
        if let response { return try printResponse(response, of: journal) }
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

    /// Writes one call's response body to stdout, exactly.
    private func printResponse(_ requestID: String, of journal: IntactJournal) throws {
        var recorded = RecordedResponse(requestID: requestID)
        try journal.reader.forEachRecord { recorded.add($0) }
        let body = try recorded.finished()
        FileHandle.standardOutput.write(Data(body))
        if let cap = recorded.cap {
            FileHandle.standardError.write(Data(("hrec: the journal kept \(body.count) bytes (cap \(cap)) of \(recorded.responseBytes ?? 0); "
                                                 + "SHA-256 of the whole body: \(recorded.sha256 ?? "?")\n").utf8))
        }
        if let shortfall = journal.shortfall(did: "printed") { throw shortfall }
    }
}
