/// Failures inside the gate. Client-facing answers are `BigQueryError`s; these are for logs and callers.
public enum GateError: Error, Sendable, CustomStringConvertible {
    /// The upstream could not be reached or did not answer in time.
    case upstream(String)
    /// The gate's configuration is wrong (file, key, JWKS).
    case configuration(String)
    /// An identity token was refused; `reason` is for the log, never for the client.
    case identity(String)
    /// An upstream response was dropped: larger than the gate takes in (`tooLarge`), or beyond
    /// what the gate's memory budget has left right now.
    case responseRefused(tooLarge: Bool, String)

    /// Whether this is an upstream response the gate dropped (`responseRefused`).
    var isResponseRefusal: Bool {
        if case .responseRefused = self { true } else { false }
    }

    public var description: String {
        switch self {
        case let .upstream(message): "upstream: \(message)"
        case let .configuration(message): "configuration: \(message)"
        case let .identity(message): "identity: \(message)"
        case let .responseRefused(_, message): "response: \(message)"
        }
    }
}
