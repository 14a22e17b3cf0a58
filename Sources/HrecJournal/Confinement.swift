/// How the recorded command was confined, as written into the session header
/// (docs/journal-format.md, "Confinement"; docs/confinement.md).
public struct Confinement: Sendable, Equatable, Codable {
    /// `bubblewrap`, or `none` when the session ran unconfined.
    public var mechanism: String
    /// Namespaces the command ran in (`user`, `pid`, `net`, `mount`, `ipc`, `uts`).
    public var namespaces: [String]
    /// Paths the command could not see.
    public var hidden: [String]
    /// How the command reached the network: `proxy` (only through hrec), `host` (unconfined).
    public var network: String
    /// Why there was no confinement (`--unconfined`), when there was none.
    public var reason: String?

    public init(mechanism: String, namespaces: [String], hidden: [String], network: String, reason: String? = nil) {
        self.mechanism = mechanism
        self.namespaces = namespaces
        self.hidden = hidden
        self.network = network
        self.reason = reason
    }

    /// Whether the command ran without confinement.
    public var isConfined: Bool { mechanism != "none" }

    /// An unconfined session, with the reason.
    public static func none(reason: String) -> Confinement {
        Confinement(mechanism: "none", namespaces: [], hidden: [], network: "host", reason: reason)
    }

    /// One line for people: `bubblewrap (user, pid, net, mount namespaces; 12 paths hidden; network through hrec)`.
    public var summary: String {
        guard isConfined else { return "NONE (\(reason ?? "unconfined"))" }
        return "\(mechanism) (\(namespaces.joined(separator: ", ")) namespaces; \(hidden.count) paths hidden; network \(network == "proxy" ? "only through hrec" : network))"
    }
}
