import ArgumentParser
import Foundation
import HrecCollector
import HrecJournal

/// `hrec verify`: checks journals' integrity.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that journals are intact: signatures, frame order, hash chain, end record.",
        discussion: """
            Exit status: 0 when every journal is intact, complete and signed by a trusted key; \
            2 when the worst problem is truncation (intact up to the cut, e.g. after a crash); \
            1 when a journal was modified, has missing, reordered or duplicated frames, a bad \
            signature, an unknown signer, or is not a journal.

            Trusted signers: your own key (~/.config/hrec/signing-key.pub), every *.pub in \
            ~/.config/hrec/trusted-signers/, and each --trust file.

            With --collector URL, each journal is also compared, frame by frame, with what that \
            collector holds of its session (exit 1 at the first frame that differs, or when frames \
            the collector holds are missing locally).
            """)

    @Argument(help: "Journal files to verify.")
    var files: [String]

    @OptionGroup var trustOptions: TrustOptions

    @Flag(help: "Print one JSON object per journal.")
    var json = false

    @OptionGroup(title: "Collector") var collectorOptions: CollectorOptions

    func run() async throws {
        let trust = try trustOptions.trust()
        let collector = try collectorOptions.client().map(CollectorCheck.init(client:))
        var worst: Int32 = 0
        for file in files {
            let report = JournalVerifier.verify(path: file, trust: trust)
            print(json ? VerificationText.json(report) : VerificationText.human(report))
            let code: Int32 = report.isIntact ? 0 : (report.isTruncatedOnly ? 2 : 1)
            worst = worst == 1 || code == 1 ? 1 : max(worst, code)
            if let collector {
                let (line, diverges) = try await collector.compare(file: file)
                print(line)
                if diverges { worst = 1 }
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}

/// Renders verification reports for people and for programs.
enum VerificationText {
    static func human(_ report: VerificationReport) -> String {
        let intact = "\(report.intactFrames) frames, \(report.intactRecords) records, \(report.intactBytes) bytes, until \(Duration.text(report.intactUntil))"
        guard let problem = report.problem else {
            return "\(report.path): OK (\(intact); chain \(report.chainHead.prefix(16)); signer \(report.signerFingerprint ?? "?"))"
        }
        let place = problem.frame.map { "frame \($0) at byte \(problem.offset)" } ?? "byte \(problem.offset)"
        var text = "\(report.path): \(problem.kind.rawValue.uppercased()) at \(place): \(problem.detail)\n"
        text += "  intact before it: \(intact)"
        return text
    }

    static func json(_ report: VerificationReport) -> String {
        var object: [String: Any] = [
            "path": report.path, "intact": report.isIntact, "complete": report.complete,
            "intactFrames": report.intactFrames, "intactRecords": report.intactRecords,
            "intactBytes": report.intactBytes, "intactUntilMicros": report.intactUntil,
            "chainHead": report.chainHead, "signerTrusted": report.signerTrusted,
        ]
        object["signerFingerprint"] = report.signerFingerprint
        if let problem = report.problem {
            var detail: [String: Any] = ["kind": problem.kind.rawValue, "offset": problem.offset, "detail": problem.detail]
            detail["frame"] = problem.frame
            object["problem"] = detail
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Formats microsecond offsets as `1:02:03.456` / `2.500s`.
enum Duration {
    static func text(_ micros: UInt64) -> String {
        let totalMillis = micros / 1000
        let seconds = totalMillis / 1000, millis = totalMillis % 1000
        let hours = seconds / 3600, minutes = seconds / 60 % 60, secs = seconds % 60
        if hours > 0 { return String(format: "%d:%02d:%02d.%03d", hours, minutes, secs, millis) }
        if minutes > 0 { return String(format: "%d:%02d.%03d", minutes, secs, millis) }
        return String(format: "%d.%03ds", secs, millis)
    }
}
