/// Which hosts the recorded command may reach through hrec's egress proxy (the `network`
/// section of the policy file; docs/policy.md).
///
/// Decided in this order, the first that holds wins:
/// 1. always denied, whatever the file says: the cloud metadata server, Google API hosts (the
///    agent reaches BigQuery through the gate only) and the caller's `fixedDenials` (the gate's
///    upstream);
/// 2. a `deny` entry that names the host or the address it resolved to;
/// 3. an `allow` entry that names it; an address in a loopback, link-local, private, unspecified,
///    multicast or reserved range needs an `allow` entry with an exact host and an exact port;
/// 4. such a local address otherwise: denied, so `default: allow` never opens local services;
/// 5. `default`.
public struct NetworkPolicy: Sendable, Equatable {
    /// `allow` (the default: allow and record) or `deny`.
    public var defaultAllows: Bool
    public var allow: [HostPattern]
    public var deny: [HostPattern]
    /// Denied before anything else; set by the caller, not the file (e.g. the gate's upstream).
    public var fixedDenials: [HostPattern]

    /// A policy; with no arguments, the default one: allow and record, local addresses refused.
    public init(defaultAllows: Bool = true, allow: [HostPattern] = [], deny: [HostPattern] = [], fixedDenials: [HostPattern] = []) {
        self.defaultAllows = defaultAllows
        self.allow = allow
        self.deny = deny
        self.fixedDenials = fixedDenials
    }

    /// This policy with more fixed denials, each `host:port` (e.g. the gate's upstream `127.0.0.1:9050`).
    /// - Throws: `PolicyError` naming the first entry that is not `host:port`.
    public func addingFixedDenials(_ entries: [String]) throws(PolicyError) -> NetworkPolicy {
        var copy = self
        for entry in entries { copy.fixedDenials.append(try HostPattern.parse(entry)) }
        return copy
    }

    /// The metadata server's names and addresses.
    static let metadata = ["169.254.169.254", "fd00:ec2::254", "metadata.google.internal", "metadata"].map { HostPattern(host: $0, port: nil) }
    /// Google API hosts: reached through the gate, never directly.
    static let googleAPIs = ["*.googleapis.com", "googleapis.com", "accounts.google.com", "oauth2.googleapis.com"].map { HostPattern(host: $0, port: nil) }

    /// Decides on a connection to `host:port`.
    ///
    /// Call it with the address the host resolved to, and connect to exactly that address (a second
    /// lookup could answer differently). With `resolved` nil and a host that is not an IP literal,
    /// the answer covers the name only: use it to refuse before any DNS lookup, never to allow.
    public func decide(host: String, port: Int, resolved: IPAddress?) -> NetworkDecision {
        let name = Self.normalise(host)
        let address = resolved ?? IPAddress(name)
        let target = HostPattern(host: name, port: port).description
        func matching(_ list: [HostPattern]) -> HostPattern? {
            list.first { $0.matches(host: name, port: port, address: address) }
        }
        if matching(Self.metadata) != nil {
            return NetworkDecision(allowed: false, rule: "hrec:metadata", reason: "the cloud metadata server is never reachable")
        }
        if matching(Self.googleAPIs) != nil {
            return NetworkDecision(allowed: false, rule: "hrec:google-api", reason: "Google APIs are reached through the BigQuery gate only")
        }
        if let entry = matching(fixedDenials) {
            return NetworkDecision(allowed: false, rule: "hrec:fixed", reason: "\(entry) is reserved to hrec (the gate's upstream)")
        }
        if let entry = matching(deny) {
            return NetworkDecision(allowed: false, rule: "deny \(entry)", reason: "\(target) matches deny entry \(entry)")
        }
        let local = address.map { $0.isLocal } ?? false
        if let entry = allow.first(where: { $0.matches(host: name, port: port, address: address) && (!local || ($0.isExactHost && $0.port != nil)) }) {
            return NetworkDecision(allowed: true, rule: "allow \(entry)", reason: "\(target) matches allow entry \(entry)")
        }
        if let address, local {
            return NetworkDecision(allowed: false, rule: "hrec:local-address",
                                   reason: "\(address) is a \(address.scope.rawValue) address; only an allow entry naming \(target) exactly opens it")
        }
        return defaultAllows ? NetworkDecision(allowed: true, rule: "default", reason: "no entry matches; the default allows")
            : NetworkDecision(allowed: false, rule: "default", reason: "no allow entry matches \(target); the default denies")
    }

    /// A host name as the policy compares it: lower-cased, without a trailing dot or IPv6 brackets.
    public static func normalise(_ host: String) -> String {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
