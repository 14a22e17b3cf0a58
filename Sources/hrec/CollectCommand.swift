import ArgumentParser
import Foundation
import HrecCollector
import HrecGate
import HrecJournal

/// `hrec collect`: the collector that receives journals' frames and answers signed receipts.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Run the collector: receive sealed journal frames, check their chain, store them, sign receipts.",
        discussion: """
            Storage is a directory or an S3-compatible bucket (see docs/collector.md). Requests are \
            authenticated with the person's OIDC ID token, verified with the config's identity: \
            settings (as the gate's). The store is checked at start: a collector that cannot write \
            exits with the store's answer. Stop it with Ctrl-C or SIGTERM.
            """)

    @Option(name: .customLong("config"), help: ArgumentHelp("Collector configuration in YAML (storage, signing_key, identity).", valueName: "FILE"))
    var configFile: String

    @Option(name: .customLong("listen"), help: ArgumentHelp("Address to listen on (port 0: any free port, printed).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:9160"

    @Flag(name: .customLong("dev-identity"), help: "Dev mode: no identity provider; every bearer token is accepted as your OS user.")
    var devIdentity = false

    @Flag(name: .customLong("print-public-key"), help: "Print the collector's receipt public key (for verifiers to trust) and exit.")
    var printPublicKey = false

    func run() async throws {
        let configuration = try CollectorConfiguration.load(path: configFile)
        let signer = try configuration.receiptSigner()
        if printPublicKey {
            print(JournalTrust.publicKeyText(signer.publicKey), terminator: "")
            return
        }
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9160") }
        var gateSettings = GateConfiguration(identity: configuration.identity)
        if devIdentity { gateSettings.identity = .init(dev: true) }
        guard gateSettings.identity != nil else {
            throw ValidationError("the configuration has no identity: section (or pass --dev-identity)")
        }
        let identity = try gateSettings.gateIdentity(devUser: ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        let store = try configuration.store()
        try await store.check()
        let server = try await CollectorServer.start(host: String(parts[0]), port: port, identity: identity,
                                                     intake: JournalIntake(store: store, signer: signer, uploaders: Set(configuration.uploaders ?? []),
                                                                         readers: Set(configuration.readers ?? [])))
        FileHandle.standardError.write(Data("hrec collect: listening on \(server.url), storing in \(store.location), receipts signed by \(signer.fingerprint)\n".utf8))
        let signal = await TerminationSignal.wait()
        FileHandle.standardError.write(Data("hrec collect: signal \(signal), stopping\n".utf8))
        await server.stop()
    }
}
