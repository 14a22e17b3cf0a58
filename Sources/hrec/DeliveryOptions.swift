import ArgumentParser
import Foundation
import HrecDelivery
import HrecJournal

/// `hrec run`'s options for shipping the journal to a collector (docs/collector.md).
struct DeliveryOptions: ParsableArguments {
    @Option(name: .customLong("collector"), help: ArgumentHelp(
        "Ship the journal to this collector (hrec collect) as it is written, authenticated with your identity token.", valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("delivery"), help: ArgumentHelp(
        "async: never wait for the collector (what is left is sent later, see hrec deliver); sync: hold the command's output while a frame is unacknowledged for longer than --sync-window.",
        valueName: "MODE"))
    var mode: DeliveryMode = .async

    @Option(name: .customLong("sync-window"), help: ArgumentHelp(
        "sync: hold output while a frame is unacknowledged for longer than this (default 5).", valueName: "SECONDS"))
    var syncWindow: Double = 5

    @Option(name: .customLong("sync-timeout"), help: ArgumentHelp(
        "sync: end the session when output has been held this long (default 30).", valueName: "SECONDS"))
    var syncTimeout: Double = 30

    @Option(name: .customLong("collector-key"), help: ArgumentHelp(
        "The collector's receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.", valueName: "FILE"))
    var collectorKey: String?

    /// The pinned receipt key, read from --collector-key.
    func pinnedKey() throws -> [UInt8]? {
        try Self.pinnedKey(collectorKey)
    }

    /// The Ed25519 public key in `file` (nil when no file is named).
    /// - Throws: `CLIError` naming the file when it is not a key.
    static func pinnedKey(_ file: String?) throws -> [UInt8]? {
        guard let file else { return nil }
        do {
            return try JournalTrust.publicKey(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CLIError("--collector-key: \(error)", exitCode: 64)
        }
    }

    func validate() throws {
        if collector == nil && mode == .sync { throw ValidationError("--delivery sync needs --collector URL") }
        guard syncWindow > 0, syncWindow.isFinite else { throw ValidationError("--sync-window must be a positive number of seconds") }
        guard syncTimeout > 0, syncTimeout.isFinite else { throw ValidationError("--sync-timeout must be a positive number of seconds") }
    }
}

extension DeliveryMode: ExpressibleByArgument {}
