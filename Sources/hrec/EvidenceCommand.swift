import ArgumentParser
import Foundation
import HrecExport
import HrecJournal

/// `hrec evidence`: a signed, self-checking bundle answering the auditor's questions.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Build a signed evidence bundle for a period.",
        discussion: """
            Writes into DIR: access-log.csv, approvals.csv, denials.csv, masking.csv, \
            sessions.csv, verification.txt (each journal's integrity, chain head and signer), \
            policies/ (policy digests seen, and policy text when events carry it), index.html \
            (a static report, no JavaScript), signer.pub, and MANIFEST.sha256 signed in \
            MANIFEST.sha256.sig. Check it with 'cd DIR && sha256sum -c MANIFEST.sha256'.

            A journal that fails verification is included and marked FAILED, never left out. \
            Exit status 0 when every journal verified, 3 when the bundle was written but some \
            journal failed, 1 on an error.
            """)

    @Option(help: ArgumentHelp("Sessions started at or after this time (UTC unless an offset is given).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Sessions started before this time.", valueName: "date"))
    var until: String?

    @Option(help: ArgumentHelp("The bundle directory (created).", valueName: "dir"))
    var out: String

    @Option(name: .customLong("trust"), help: ArgumentHelp("Also trust journals signed by this public key file.", valueName: "file"))
    var trustFiles: [String] = []

    @Argument(help: "Journal files or directories (default: the sessions directory).")
    var locations: [String] = []

    func run() throws {
        let since = try since.map { try CatalogFilter.parseDate($0, option: "--since") }
        let until = try until.map { try CatalogFilter.parseDate($0, option: "--until") }
        let places = locations.isEmpty ? [JournalFiles.defaultDirectory] : locations.map { URL(fileURLWithPath: $0) }
        let journals = try JournalFiles.find(in: places)
        let trust = try JournalTrust.local(extraFiles: trustFiles.map { URL(fileURLWithPath: $0) })
        let bar = ProgressBar("verifying")
        let bundle = EvidenceBundle(journals: journals, since: since, until: until, trust: trust, progress: bar.update)
        try bundle.write(to: URL(fileURLWithPath: out), signer: try ManifestSigner())
        let failed = bundle.failed
        FileHandle.standardError.write(Data("hrec: evidence for \(bundle.entries.count) journals in '\(out)'; \(failed.count) failed verification\n".utf8))
        for entry in failed {
            FileHandle.standardError.write(Data("hrec: FAILED \(entry.path): \(entry.integrity)\n".utf8))
        }
        if !failed.isEmpty { throw ExitCode(3) }
    }
}
