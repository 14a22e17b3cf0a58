import ArgumentParser
import Foundation
import HrecExport
import HrecJournal

/// `hrec evidence`: a signed, self-checking bundle answering the auditor's questions.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Build a signed evidence bundle for a period.",
        discussion: """
            Writes into DIR (a new or empty directory): access-log.csv, approvals.csv, \
            denials.csv, masking.csv, prompts.csv (what people typed), sessions.csv, verification.txt (each journal's integrity, chain head and signer), \
            policies/ (policy digests seen, and policy text when events carry it), index.html \
            (a static report, no JavaScript), signer.pub and signer.pem (the signing key), and \
            MANIFEST.sha256 signed in MANIFEST.sha256.sig (base64 Ed25519). Check both in DIR \
            with coreutils and OpenSSL 3:
              sha256sum -c MANIFEST.sha256
              base64 -d MANIFEST.sha256.sig > /tmp/manifest.sig
              openssl pkeyutl -verify -pubin -inkey signer.pem -rawin
                -in MANIFEST.sha256 -sigfile /tmp/manifest.sig
            and compare signer.pub's fingerprint with the one you trust.

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

    @OptionGroup(title: "Collector") var collectorOptions: CollectorOptions

    func run() async throws {
        let since = try since.map { try CatalogFilter.parseDate($0, option: "--since") }
        let until = try until.map { try CatalogFilter.parseDate($0, option: "--until") }
        if let since, let until, since >= until {
            throw CLIError("--since \(self.since ?? "") is not before --until \(self.until ?? ""): the period is empty")
        }
        try Self.checkEmpty(out)
        var places = locations.isEmpty ? [JournalFiles.defaultDirectory] : locations.map { URL(fileURLWithPath: $0) }
        if let mirrored = try await collectorOptions.mirroredLocation() {
            // With --collector and no locations: the collector's sessions alone.
            places = (locations.isEmpty ? [] : places) + [URL(fileURLWithPath: mirrored)]
        }
        let journals = try JournalFiles.find(in: places)
        let trust = try JournalTrust.local(extraFiles: trustFiles.map { URL(fileURLWithPath: $0) })
        let bar = ProgressBar("verifying")
        let bundle = EvidenceBundle(journals: journals, since: since, until: until, trust: trust, progress: bar.update)
        try bundle.write(to: URL(fileURLWithPath: out), signer: try ManifestSigner())
        let failed = bundle.failed
        FileHandle.standardError.write(Data("hrec: evidence for \(bundle.entries.count) journals in '\(out)'; \(failed.count) failed verification\n".utf8))
        for entry in failed {
            let problem = entry.report.problem.map { "\($0.kind.rawValue) at byte \($0.offset): \($0.detail)" } ?? entry.readError ?? "unreadable"
            FileHandle.standardError.write(Data("hrec: \(entry.integrity == "TRUNCATED" ? "TRUNCATED" : "FAILED") \(entry.path): \(problem)\n".utf8))
        }
        if !failed.isEmpty { throw ExitCode(3) }
    }

    /// A bundle never overwrites: `--out` must be new or an empty directory.
    static func checkEmpty(_ out: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw CLIError("--out '\(out)' exists and is not a directory") }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        if !contents.isEmpty {
            throw CLIError("--out '\(out)' already exists and is not empty: choose a new directory (a bundle never overwrites one)")
        }
    }
}
