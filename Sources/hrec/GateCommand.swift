import ArgumentParser
import Foundation
import HrecDelivery
import HrecGate
import HrecJournal
import HrecPolicy

/// `hrec gate`: the BigQuery gate, standalone, for a team.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run the BigQuery gate standalone: one journal per authenticated client session.",
        discussion: """
            Clients point BIGQUERY_EMULATOR_HOST at the gate and use an external_account \
            credentials file whose token_url is the gate's /v1/token. Every call is \
            authenticated (OIDC), recorded and forwarded with the gate's own credential.
            Stop it with Ctrl-C or SIGTERM; journals are closed cleanly.
            """)

    @Option(name: .customLong("config"), help: ArgumentHelp("Gate configuration in YAML (identity, upstream, journals).", valueName: "FILE"))
    var configFile: String

    @Option(name: .customLong("listen"), help: ArgumentHelp("Address to listen on.", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:9150"

    @Option(name: .customLong("journals"), help: ArgumentHelp("Directory for the journals (default: the config's, else $XDG_DATA_HOME/hrec/gate).", valueName: "DIR"))
    var journals: String?

    @Option(name: .customLong("idle-close"), help: ArgumentHelp(
        "Close a client session's journal after this many seconds without calls; the next call continues it in a new segment.",
        valueName: "SECONDS"))
    var idleClose: Double = 300

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Seconds a client has to send a request's headers.", valueName: "SECONDS"))
    var headerTimeout: Double = 10

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp("Seconds a client has to send a request's body after its headers.", valueName: "SECONDS"))
    var bodyTimeout: Double = 60

    @Option(name: .customLong("connections-per-address"), help: ArgumentHelp("Open connections allowed from one client address.", valueName: "N"))
    var connectionsPerAddress = 64

    @Option(name: .customLong("collector"), help: ArgumentHelp(
        "Ship every journal to this collector (hrec collect) as it is written; the collector must list the token's subject under uploaders:.",
        valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("collector-token"), help: ArgumentHelp("The gate's own OIDC ID token for the collector (a file, read before each request).",
                                                                      valueName: "FILE"))
    var collectorToken: String?

    @Option(name: .customLong("collector-key"), help: ArgumentHelp(
        "The collector's receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.", valueName: "FILE"))
    var collectorKey: String?

    func run() async throws {
        guard headerTimeout > 0, bodyTimeout > 0, connectionsPerAddress > 0 else {
            throw ValidationError("--header-timeout, --body-timeout and --connections-per-address must be positive")
        }
        let limits = ConnectionLimits(connectionsPerAddress: connectionsPerAddress, headerSeconds: headerTimeout, bodySeconds: bodyTimeout)
        let configuration = try GateConfiguration.load(path: configFile)
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9150") }
        let identity = try configuration.gateIdentity(devUser: ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        let directory = URL(fileURLWithPath: journals ?? configuration.journals ?? Self.defaultDirectory())
        let server = try await GateServer.start(
            host: String(parts[0]), port: port, identity: identity,
            journals: GateJournals(directory: directory, signer: try JournalSigner.loadOrCreate(), hrecVersion: Hrec.version,
                                   idleTimeout: max(0.1, idleClose)),
            upstreamURL: configuration.upstream?.url ?? "https://bigquery.googleapis.com", credential: configuration.upstreamCredential,
            policy: try Self.policy(in: configFile), dryRuns: configuration.upstream?.dryRun,
            responseJournalCap: try configuration.responseJournalCap(), limits: limits, requestLimits: try configuration.requestLimits())
        FileHandle.standardError.write(Data("hrec gate: listening on \(server.url), journals in \(directory.path)\n".utf8))
        let delivery = try collector.map { collector in
            let delivery = try deliveryLoop(collector: collector, directory: directory)
            return Task { await delivery.run() }
        }
        let signal = await TerminationSignal.wait()
        FileHandle.standardError.write(Data("hrec gate: signal \(signal), stopping\n".utf8))
        await server.stop(reason: "gate stopped")
        delivery?.cancel()
        _ = await delivery?.value
    }

    /// The delivery of the gate's journals to `collector`, with the gate's own token.
    private func deliveryLoop(collector: String, directory: URL) throws -> GateDelivery {
        guard let collectorToken else { throw CLIError("--collector needs --collector-token FILE (the gate's own identity token)", exitCode: 64) }
        var options = JournalShipper.Options()
        options.collectorKey = try DeliveryOptions.pinnedKey(collectorKey)
        do {
            return GateDelivery(directory: directory, client: try DeliveryClient(url: collector, token: .file(collectorToken)), options: options)
        } catch {
            throw CLIError("\(error)", exitCode: 64)
        }
    }

    /// The rules in the configuration file, when it has any (`default:` or `rules:`); else forward everything.
    static func policy(in path: String) throws -> any RequestPolicy {
        try PolicyParser.holdsPolicy(path: path) ? try PolicyGate(policy: try PolicyParser.load(path: path)) : AllowAll()
    }

    static func defaultDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        return base + "/hrec/gate"
    }
}
