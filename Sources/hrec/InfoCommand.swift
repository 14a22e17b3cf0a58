import ArgumentParser
import Foundation
import HrecCollector
import HrecDelivery
import HrecJournal

/// `hrec info`: a journal's header, duration, record counts, sizes and integrity.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarize a journal: header, duration, record counts per kind, sizes, integrity.",
        discussion: """
            Counts cover the intact frames. A truncated journal is summarized up to the cut, \
            then 'hrec info' says so on stderr and exits with status 2; a damaged journal is \
            summarized up to the damage, which is named on stderr, with exit status 1.
            """)

    @Argument(help: "The journal file.")
    var file: String

    @OptionGroup var trustOptions: TrustOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let journal = try IntactJournal(path: file)
        let reader = journal.reader
        var counts: [RecordKind: Int] = [:]
        var rawOutput = 0, rawInput = 0
        var lastReceipt: Receipt?
        try reader.forEachRecord { record in
            if case let .event(event) = record.body, let receipt = Receipt(event: event) { lastReceipt = receipt }
            counts[record.kind, default: 0] += 1
            if case let .output(bytes) = record.body { rawOutput += bytes.count }
            if case let .input(bytes) = record.body { rawInput += bytes.count }
        }
        let report = JournalVerifier.verify(path: file, trust: try trustOptions.trust())
        let header = reader.header
        let end = try journal.isDamaged ? nil : reader.endRecord()
        let delivery = Self.delivery(session: reader.header.sessionID.description, frames: reader.frames.count, journaled: lastReceipt)
        let integrity = report.isIntact ? "intact" : "\(report.problem!.kind.rawValue): \(report.problem!.detail)"
        let exit: String = if let end {
            end.signal.map { "killed by signal \($0)" } ?? end.exitStatus.map { "exit status \($0)" } ?? "unknown"
        } else { journal.isDamaged ? "unknown (damaged)" : "none (truncated)" }

        if json {
            let object: [String: Any] = [
                "path": file, "sessionID": header.sessionID.description,
                "startedAt": ISO8601DateFormatter().string(from: header.startedAt),
                "durationSeconds": Double(reader.duration) / 1_000_000,
                "host": header.host, "user": header.osUser, "identity": header.identity?.email ?? NSNull(),
                "verifiedIdentity": header.identity?.verified ?? false,
                "command": header.command, "cwd": header.cwd,
                "counts": Dictionary(uniqueKeysWithValues: counts.map { ($0.key.name, $0.value) }),
                "frames": reader.frames.count, "fileBytes": reader.fileSize,
                "outputBytes": rawOutput, "inputBytes": rawInput,
                "truncated": reader.isTruncated, "integrity": integrity, "intact": report.isIntact,
                "chainHead": report.chainHead, "signer": report.signerFingerprint ?? "",
                "exit": exit,
                "confinement": header.confinement.map { $0.summary } ?? "unknown (recorded before confinement)",
                "confined": header.confinement?.isConfined ?? false,
            ]
            var full = object
            if let delivery { full["delivery"] = delivery }
            let data = try JSONSerialization.data(withJSONObject: full, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            if let shortfall = journal.shortfall(did: "summarized") { throw shortfall }
            return
        }
        let raw = rawOutput + rawInput
        let ratio = raw > 0 ? String(format: "%.1f%%", 100 * Double(reader.fileSize) / Double(raw)) : "-"
        let kinds = RecordKind.allCases.compactMap { kind in counts[kind].map { "\(kind.name) \($0)" } }.joined(separator: ", ")
        print("""
            journal    \(file)
            session    \(header.sessionID)
            started    \(ISO8601DateFormatter().string(from: header.startedAt))
            duration   \(Duration.text(reader.duration))
            user       \(header.osUser)@\(header.host)\(header.identity.map { " as \($0.email ?? $0.subject)\($0.verified ? "" : " (unverified)")" } ?? "")
            command    \(header.command.joined(separator: " "))
            cwd        \(header.cwd)
            terminal   \(header.term ?? "-") \(header.size.map { "\($0.columns)x\($0.rows)" } ?? "(not a tty)")
            exit       \(exit)
            confined   \(header.confinement.map { $0.summary } ?? "unknown (recorded before confinement)")
            records    \(kinds)
            size       \(reader.fileSize) bytes on disk for \(rawOutput) output + \(rawInput) input bytes (\(ratio)), \(reader.frames.count) frames
            integrity  \(integrity)
            chain      \(report.chainHead)
            signer     \(report.signerFingerprint ?? "-")\(report.signerTrusted ? "" : " (not trusted here)")
            """)
        if let delivery { print("delivery   \(delivery)") }
        if let shortfall = journal.shortfall(did: "summarized") { throw shortfall }
    }

    /// Where delivery to a collector stands: the delivery state kept for the session, else the
    /// last receipt journaled; nil when the journal was never shipped.
    static func delivery(session: String, frames: Int, journaled: Receipt?) -> String? {
        if let state = DeliveryState.load(session: session) { return "\(state.summary), to \(state.collector)" }
        guard let journaled else { return nil }
        let time = ISO8601DateFormatter().string(from: journaled.receivedAt)
        return "receipt for \(journaled.frames)/\(frames) frames at \(time) (collector \(journaled.collector)); no delivery state on this machine"
    }
}
