import Foundation
import HrecConfinement
import HrecGate
import HrecJournal

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
}
