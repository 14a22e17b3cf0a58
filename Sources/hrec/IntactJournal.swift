import Foundation
import HrecJournal

/// A journal opened for reading by `cat`, `info` and `export`, under one rule: print everything
/// in the intact prefix (as `verify` finds it), then, when the journal is truncated, say so on
/// stderr and exit 2; when it is damaged (modified, missing, reordered, duplicated frames, a bad
/// signature, undecodable bytes), say where and exit 1. The signer's trust is `verify`'s business
/// and does not change this exit status.
struct IntactJournal {
    let path: String
    let reader: JournalReader
    let report: VerificationReport

    /// Opens `path` and verifies it against the key it names; later reads stop at the damage.
    /// - Throws: `JournalError` when not even the header can be read.
    init(path: String) throws {
        self.path = path
        reader = try JournalReader(url: URL(fileURLWithPath: path))
        report = JournalVerifier.verify(path: path, trust: JournalTrust(anySigner: true))
        if let problem = report.problem, problem.kind != .truncated {
            reader.keepFrames(report.intactFrames)
        }
    }

    /// A clear error when `path` cannot be a journal to read (missing, a directory, unreadable),
    /// before anything suggests that it merely fails verification.
    static func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        let reason: String? = if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            "No such file or directory"
        } else if isDirectory.boolValue {
            "Is a directory"
        } else if access(path, R_OK) != 0 {
            Errno.current.description
        } else { nil }
        if let reason { throw CLIError("cannot read journal '\(path)': \(reason)") }
    }

    /// Whether the journal is damaged (more than truncated).
    var isDamaged: Bool { report.problem.map { $0.kind != .truncated } ?? false }

    /// The warning and exit status for what was not read, after the intact prefix was printed;
    /// nil when the journal is whole. `did` says what was done with the prefix ("printed").
    func shortfall(did: String) -> CLIError? {
        guard let problem = report.problem else { return nil }
        let place = problem.frame.map { "frame \($0) at byte \(problem.offset)" } ?? "byte \(problem.offset)"
        let kept = "\(did) the \(reader.frames.count) intact frame\(reader.frames.count == 1 ? "" : "s") before it"
        if problem.kind == .truncated {
            return CLIError("journal '\(path)' is truncated at \(place): \(problem.detail); \(kept)", exitCode: 2)
        }
        return CLIError("journal '\(path)' is damaged: \(problem.kind.rawValue.uppercased()) at \(place): \(problem.detail); \(kept)",
                        exitCode: 1)
    }
}
