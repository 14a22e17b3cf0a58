import ArgumentParser
import Foundation
import HrecEgress
import HrecJournal
import HrecPolicy

extension DevCommand {
    /// `hrec dev egress-proxy`: the session egress proxy alone, journaling into one file (for tests).
    struct EgressProxyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "egress-proxy",
            abstract: "Run the egress proxy alone until SIGINT/SIGTERM; print its address on the first line.")

        @Option(help: ArgumentHelp("Policy file whose network section decides (other sections are not read).", valueName: "FILE"))
        var policy: String?

        @Option(help: ArgumentHelp("HOST:PORT (port 0: any free port) or unix:PATH.", valueName: "ADDRESS"))
        var listen = "127.0.0.1:0"

        @Option(help: ArgumentHelp("Journal to create for the net.connect events.", valueName: "FILE"))
        var journal: String

        @Option(name: .customLong("deny-also"), help: ArgumentHelp("A fixed denial, as for the gate's upstream (repeatable).", valueName: "HOST:PORT"))
        var denyAlso: [String] = []

        func run() async throws {
            guard let address = EgressProxy.Listen(listen) else { throw ValidationError("--listen takes HOST:PORT or unix:PATH, not '\(listen)'") }
            let network = try (policy.map { try PolicyParser.loadNetwork(path: $0) } ?? NetworkPolicy()).addingFixedDenials(denyAlso)
            let clock = SessionClock()
            let header = SessionHeader(sessionID: SessionID(), startedAtMicros: clock.wallStartMicros, host: ProcessInfo.processInfo.hostName,
                                       osUser: ProcessInfo.processInfo.environment["USER"] ?? "", command: ["hrec", "dev", "egress-proxy"],
                                       cwd: FileManager.default.currentDirectoryPath, term: nil, size: nil, hrecVersion: Hrec.version)
            let sink = try JournalAppender(url: URL(fileURLWithPath: journal), header: header, signer: try JournalSigner.loadOrCreate(), clock: clock)
            let proxy: EgressProxy
            do {
                proxy = try await EgressProxy.start(listen: address, policy: network, sink: sink)
            } catch {
                sink.abandon()
                throw CLIError(error.description)
            }
            FileHandle.standardOutput.write(Data((proxy.address.description + "\n").utf8))
            _ = await TerminationSignal.wait()
            await proxy.stop()
            try sink.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: SessionClock.wallMicros(), reason: "egress proxy stopped"))
        }
    }
}
