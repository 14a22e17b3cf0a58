import Foundation
import HrecConfinement
import HrecEgress
import HrecGate
import HrecJournal
import HrecPolicy

/// How `hrec run` confines its command: the plan from the defaults and the configuration file,
/// then the sandbox once the gate's and the proxy's sockets exist (docs/confinement.md).
struct RunConfinement {
    let tools: ConfinementProbe.Tools
    var plan: ConfinementPlan
    /// The session's private runtime directory: the gate's client credentials and sockets.
    let directory: URL

    /// Checks that this machine can confine, and plans what to hide.
    /// - Throws: `CLIError` with one line naming the cause and `--unconfined`.
    init(environment: [String: String], directory: URL, hrecFiles: [String], readOnly: [String],
         settings: GateConfiguration.ConfinementSettings?) throws {
        do {
            tools = try ConfinementProbe.check()
        } catch {
            throw CLIError(error.description)
        }
        self.directory = directory
        // Directories that must exist before the sandbox starts, or the command could create them
        // and plant files the person's next hrec reads (a catalog, a gate registry entry).
        try? GateRegistry.prepareDirectory()
        let home = environment["HOME"] ?? NSHomeDirectory()
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.cache"
        try? FileManager.default.createDirectory(atPath: "\(cache)/hrec", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        plan = ConfinementPlan(
            hidden: ConfinementPlan.defaultHidden(environment: environment, hrecFiles: hrecFiles,
                                                  extraHidden: settings?.hide ?? [], exposedDefaults: settings?.expose ?? []),
            readOnly: readOnly, exposed: [directory.path])
    }

    /// An empty, read-only file in the runtime directory, bound over hidden files.
    func sandbox() throws -> Sandbox {
        let empty = directory.appendingPathComponent("empty")
        guard FileManager.default.createFile(atPath: empty.path, contents: Data(), attributes: [.posixPermissions: 0o444]) else {
            throw CLIError("cannot set up the sandbox: cannot write \(empty.path)")
        }
        return Sandbox(arguments: BubblewrapArguments(bwrap: tools.bwrap, sandboxInit: tools.sandboxInit, emptyFile: empty.path),
                       plan: plan)
    }

    /// The egress proxy's port on the sandbox's loopback (relayed to its unix socket outside).
    static let proxyPort = 3128
    /// The gate's address on the sandbox's loopback: an address of its own, so that `NO_PROXY`
    /// can name the gate alone and 127.0.0.1 (the host's local servers) goes through the proxy.
    static let gateAddress = "127.0.0.2"

    /// Starts the session's egress proxy on a unix socket in the runtime directory, relays it
    /// into the sandbox, and returns it with the variables that point clients at it. The
    /// gate's upstream is always denied (the command reaches it only through the gate), and so is
    /// the collector (the command has no business there: its journal is shipped by hrec).
    mutating func startEgressProxy(network: NetworkPolicy, upstreamURL: String, collectorURL: String? = nil,
                                   sink: any RecordSink) async throws -> (EgressProxy, [String: String]) {
        var denials: [String] = []
        for address in [upstreamURL, collectorURL].compactMap({ $0 }) {
            guard let url = URL(string: address), let host = url.host else { continue }
            let port = url.port ?? (url.scheme == "http" ? 80 : 443)
            denials.append(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        }
        let socket = directory.appendingPathComponent("proxy.sock").path
        let proxy: EgressProxy
        do {
            proxy = try await EgressProxy.start(listen: .unix(path: socket), policy: try network.addingFixedDenials(denials), sink: sink)
        } catch {
            throw CLIError("cannot start the egress proxy: \(error)")
        }
        plan.relays.append(.init(port: Self.proxyPort, socket: socket))
        let environment = EgressProxy.environment(host: "127.0.0.1", port: Self.proxyPort, noProxy: [Self.gateAddress])
        return (proxy, environment)
    }
}
