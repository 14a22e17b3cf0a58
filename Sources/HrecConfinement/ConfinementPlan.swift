import Foundation
import HrecJournal

/// What the sandbox of one `hrec run` hides, protects and exposes, as plain data (no kernel
/// calls here; `BubblewrapArguments` turns it into a bubblewrap command line). See
/// docs/confinement.md for the threat model.
public struct ConfinementPlan: Sendable, Equatable {
    /// A TCP address on the sandbox's own loopback relayed to a unix socket served outside.
    public struct Relay: Sendable, Equatable {
        /// An IPv4 address of the sandbox's loopback (127.0.0.0/8).
        public var address: String
        public var port: Int
        public var socket: String
        public init(address: String = "127.0.0.1", port: Int, socket: String) {
            self.address = address
            self.port = port
            self.socket = socket
        }
    }

    /// Paths the command cannot see at all: directories become empty, files read as empty.
    public var hidden: [String]
    /// Paths the command can read but not change (the policy in force).
    public var readOnly: [String]
    /// Paths made visible again, read-only, inside hidden directories (the session's runtime
    /// directory with the gate's client credentials and sockets).
    public var exposed: [String]
    public var relays: [Relay]

    public init(hidden: [String] = [], readOnly: [String] = [], exposed: [String] = [], relays: [Relay] = []) {
        self.hidden = hidden
        self.readOnly = readOnly
        self.exposed = exposed
        self.relays = relays
    }

    /// The person's cloud credential stores hidden by default, relative to the home directory
    /// (documented in docs/confinement.md; a policy's `confinement.hide`/`confinement.expose` adjust it).
    public static let defaultCredentialStores = [
        ".config/gcloud", ".aws", ".azure", ".kube", ".docker/config.json", ".netrc",
        ".config/hrec", ".local/share/hrec", ".cache/hrec",
    ]

    /// Host sockets that would give the command a way around the sandbox.
    public static let defaultHostSockets = ["/var/run/docker.sock", "/run/docker.sock", "/run/podman/podman.sock"]

    /// The default hidden list for `environment` (HOME, XDG_*), plus hrec's own files.
    /// - Parameters:
    ///   - hrecFiles: hrec's files and directories outside the XDG defaults (a `--journal`
    ///     file, a `--signing-key`, the gate's upstream credential file).
    ///   - extraHidden / exposedDefaults: the configuration's `confinement.hide` / `confinement.expose`.
    public static func defaultHidden(environment: [String: String], hrecFiles: [String] = [],
                                     extraHidden: [String] = [], exposedDefaults: [String] = []) -> [String] {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func xdg(_ name: String, _ fallback: String) -> String {
            environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/\(fallback)"
        }
        var paths = defaultCredentialStores.map { "\(home)/\($0)" }
        paths += [
            "\(xdg("XDG_CONFIG_HOME", ".config"))/hrec", "\(xdg("XDG_DATA_HOME", ".local/share"))/hrec",
            "\(xdg("XDG_CACHE_HOME", ".cache"))/hrec", "\(xdg("XDG_CONFIG_HOME", ".config"))/gcloud",
        ]
        // The runtime directory holds the approvals registry, agents' sockets (ssh, gpg, D-Bus).
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { paths.append(runtime) }
        paths.append("/tmp/hrec-\(getuid())")
        for name in ["CLOUDSDK_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "AWS_SHARED_CREDENTIALS_FILE",
                     "AWS_CONFIG_FILE", "KUBECONFIG", "AZURE_CONFIG_DIR", "DOCKER_CONFIG"] {
            if let value = environment[name], !value.isEmpty { paths.append(value) }
        }
        paths += defaultHostSockets + hrecFiles + extraHidden.map { expandTilde($0, home: home) }
        let exposed = Set(exposedDefaults.map { expandTilde($0, home: home) })
        var seen = Set<String>()
        return paths.filter { !exposed.contains($0) && seen.insert($0).inserted }
    }

    static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}

extension ConfinementPlan {
    /// The journal header's account of a bubblewrap sandbox with this plan (hidden paths that exist).
    public var record: Confinement {
        Confinement(mechanism: "bubblewrap", namespaces: ["user", "pid", "net", "mount", "ipc", "uts"],
                    hidden: hidden.filter { BubblewrapArguments.kind(of: $0) != .missing }, network: "proxy")
    }
}
