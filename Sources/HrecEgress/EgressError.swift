/// What can go wrong starting the egress proxy.
public enum EgressError: Error, Sendable, CustomStringConvertible {
    /// The listener could not be set up: where, and why.
    case cannotListen(address: String, reason: String)
    /// A host name has no address (reported to the client as unreachable, and journaled).
    case cannotResolve(host: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotListen(address, reason): "egress proxy cannot listen on \(address): \(reason)"
        case let .cannotResolve(host, reason): "cannot resolve '\(host)': \(reason)"
        }
    }
}
