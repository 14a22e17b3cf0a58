import ArgumentParser
import Foundation
import HrecDelivery
import HrecGate
import HrecJournal

/// `hrec run`'s options for shipping the journal to a collector (docs/collector.md).
struct DeliveryOptions: ParsableArguments {
    @Option(name: .customLong("collector"), help: ArgumentHelp(
        "Ship the journal to this collector (hrec collect) as it is written, authenticated with your identity token.", valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("delivery"), help: ArgumentHelp(
        "async: never wait for the collector (what is left is sent later, see hrec deliver); sync: hold the command's output while a frame is unacknowledged for longer than --sync-window.",
        valueName: "MODE"))
    var modeOption: DeliveryMode?

    @Option(name: .customLong("sync-window"), help: ArgumentHelp(
        "sync: hold output while a frame is unacknowledged for longer than this (default 5).", valueName: "SECONDS"))
    var syncWindowOption: Double?

    @Option(name: .customLong("sync-timeout"), help: ArgumentHelp(
        "sync: end the session when output has been held this long (default 30).", valueName: "SECONDS"))
    var syncTimeoutOption: Double?

    @Option(name: .customLong("collector-key"), help: ArgumentHelp(
        "The collector's receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.", valueName: "FILE"))
    var collectorKey: String?

    var mode: DeliveryMode { modeOption ?? .async }
    var syncWindow: Double { syncWindowOption ?? 5 }
    var syncTimeout: Double { syncTimeoutOption ?? 30 }

    /// These options over the configuration's `delivery:` section: what the command line does
    /// not say comes from the file.
    /// - Throws: `CLIError` when the file's values are invalid, or `--delivery async` would
    ///   lower a `mode: sync` the configuration requires.
    func merged(with settings: GateConfiguration.DeliverySettings?) throws -> DeliveryOptions {
        guard let settings else { return self }
        var merged = self
        merged.collector = collector ?? settings.collector
        merged.collectorKey = collectorKey ?? settings.collectorKey
        if let text = settings.mode {
            guard let required = DeliveryMode(rawValue: text) else {
                throw CLIError("delivery.mode '\(text)' in the configuration is neither async nor sync", exitCode: 64)
            }
            if required == .sync && modeOption == .async {
                throw CLIError("--delivery async: the configuration requires sync delivery (delivery.mode: sync)", exitCode: 64)
            }
            merged.modeOption = modeOption ?? required
        }
        merged.syncWindowOption = syncWindowOption ?? settings.syncWindow
        merged.syncTimeoutOption = syncTimeoutOption ?? settings.syncTimeout
        do {
            try merged.validate()
        } catch {
            throw CLIError("delivery settings: \(error)", exitCode: 64)
        }
        return merged
    }

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
