import ArgumentParser
import Foundation
import HrecDelivery
import HrecExport
import HrecJournal

/// `hrec deliver`: sends to a collector what journals still hold undelivered (store and forward).
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send journals, or what is left of them, to a collector.",
        discussion: """
            hrec run ships its journal to --collector as it is written; what the collector had not \
            acknowledged when the session ended (it was down, hrec was killed) stays in the journal. \
            hrec deliver asks the collector what it holds of each journal and sends the rest. \
            Without paths it takes every journal whose delivery is unfinished \
            ($XDG_DATA_HOME/hrec/delivery); directories are searched for *.hrec files.

            Exit status 0 when every journal is delivered (a journal cut short by a crash counts \
            as delivered once all its frames are), 1 otherwise.

            Examples:
              hrec deliver --identity-token ~/.hrec/id-token
              hrec deliver --collector https://collector.example.com --identity-token ~/.hrec/id-token ~/.local/share/hrec/sessions
            """)

    @Option(name: .customLong("collector"), help: ArgumentHelp("The collector (default: the one each journal was shipped to).", valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("identity-token"), help: ArgumentHelp("Your OIDC ID token, sent as the bearer token.", valueName: "FILE"))
    var identityToken: String?

    @Flag(name: .customLong("dev-identity"), help: "Dev mode: the collector runs with --dev-identity and takes any token.")
    var devIdentity = false

    @Option(name: .customLong("collector-key"), help: ArgumentHelp(
        "The collector's receipt public key (hrec collect --print-public-key): receipts it did not sign stop delivery.", valueName: "FILE"))
    var collectorKey: String?

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Give up on a journal after this many seconds of failed attempts (default 60).", valueName: "SECONDS"))
    var timeout: Double = 60

    @Argument(help: "Journal files or directories (default: every journal with unfinished delivery).")
    var paths: [String] = []

    func run() async throws {
        guard identityToken != nil || devIdentity else {
            throw CLIError("deliver: name your identity token (--identity-token FILE), or --dev-identity", exitCode: 64)
        }
        let token: IdentityTokenSource = identityToken.map { .file($0) } ?? .fixed("dev-mode-no-identity-token")
        var jobs: [(journal: String, collector: String)] = []
        if paths.isEmpty {
            jobs = DeliveryState.all().filter { !$0.isDelivered && (collector == nil || $0.collector == collector) }
                .map { ($0.journal, collector ?? $0.collector) }
        } else {
            let journals: [URL]
            do { journals = try JournalFiles.find(in: paths.map { URL(fileURLWithPath: $0) }) } catch { throw CLIError("deliver: \(error)") }
            for journal in journals.map(\.path) {
                guard let target = collector ?? Self.previousCollector(of: journal) else {
                    throw CLIError("deliver: \(journal) was never shipped; name the collector with --collector URL", exitCode: 64)
                }
                jobs.append((journal, target))
            }
        }
        var options = JournalShipper.Options()
        options.collectorKey = try DeliveryOptions.pinnedKey(collectorKey)
        var clients: [String: DeliveryClient] = [:]
        var failures = 0
        for job in jobs {
            let client: DeliveryClient
            do {
                client = try clients[job.collector] ?? DeliveryClient(url: job.collector, token: token)
            } catch {
                throw CLIError("deliver: \(error)", exitCode: 64)
            }
            clients[job.collector] = client
            let shipper = JournalShipper(path: job.journal, client: client, options: options)
            shipper.finish(deadline: SessionClock.monotonicMicros() + UInt64(max(0, timeout) * 1_000_000))
            let progress = await shipper.run()
            let line = "\(job.journal): \(Self.describe(progress)) to \(client.baseURL)"
            if progress.isCaughtUp && progress.fatalError == nil {
                print(line)
            } else {
                failures += 1
                let cause = (progress.fatalError ?? progress.lastError).map { ": \($0)" } ?? ""
                FileHandle.standardError.write(Data("hrec: \(line)\(cause)\n".utf8))
            }
        }
        if jobs.isEmpty { print("nothing to deliver") }
        if failures > 0 { throw ExitCode(1) }
    }

    static func describe(_ progress: JournalShipper.Progress) -> String {
        let frames = "\(progress.deliveredFrames)/\(progress.localFrames) frames"
        if !progress.isCaughtUp { return "delivered \(frames), \(progress.localFrames - min(progress.localFrames, progress.deliveredFrames)) pending" }
        return progress.journalComplete ? "delivered \(frames) and the seek index" : "delivered \(frames) (the journal was cut short: no end)"
    }

    /// The collector a journal was last shipped to, from its delivery state.
    private static func previousCollector(of journal: String) -> String? {
        guard let follower = try? JournalFollower(path: journal), (try? follower.poll()) != nil, let session = follower.sessionID else { return nil }
        return DeliveryState.load(session: session.description)?.collector
    }
}
