import ArgumentParser
import Foundation
import HrecExport
import HrecJournal

extension ExportFormat: ExpressibleByArgument {}

/// `hrec export`: one journal in a standard format on stdout or into a file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a journal as JSON lines, an asciicast or a CSV access log.",
        discussion: """
            jsonl: every record, one JSON object per line (as 'hrec cat').
            asciicast: asciicast v2 for asciinema; structured events become markers. Output \
            that is not valid UTF-8 is replaced by U+FFFD (asciicast holds text only).
            csv: the access log, one row per gate event: time, principal email, subject, \
            client IP, session id, endpoint, resources, statement kind, decision, rule, \
            approvers, bytes, rows, masked columns.

            A truncated journal exports every complete frame, then exits with status 2; a \
            damaged journal exports the intact frames before the damage, names it on stderr \
            and exits with status 1.
            """)

    @Option(help: "Output format.")
    var format: ExportFormat = .jsonl

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of stdout.", valueName: "file"))
    var output: String?

    @Argument(help: "The journal file.")
    var file: String

    func run() throws {
        let journal = try IntactJournal(path: file)
        let reader = journal.reader
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) , let opened = FileHandle(forWritingAtPath: output) else {
                throw CLIError("cannot create '\(output)'")
            }
            handle = opened
        } else {
            handle = FileHandle.standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        let bar = ProgressBar("exporting")
        var written = 0
        let total = reader.fileSize
        try format.encoder.encode(reader) { data in
            try handle.write(contentsOf: data)
            written += data.count
            bar.update(min(written, total), of: total)
        }
        bar.update(total, of: total)
        if let shortfall = journal.shortfall(did: "exported") { throw shortfall }
    }
}
