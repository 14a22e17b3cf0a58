import Foundation

/// Where the bearer token for the collector comes from: the person's OIDC ID token file (read
/// again before each request, so a refreshed token is picked up), or a fixed token (dev mode).
public enum IdentityTokenSource: Sendable, Equatable {
    case file(String)
    case fixed(String)

    /// The largest token file read (an ID token is a few KiB).
    static let sizeLimit = 64 << 10

    /// The current token.
    /// - Throws: `DeliveryError.token` when the file cannot be read, is empty or too large.
    public func token() throws(DeliveryError) -> String {
        switch self {
        case let .fixed(token):
            return token
        case let .file(path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .token(path: path, reason: access(path, F_OK) == 0 ? "permission denied" : "no such file")
            }
            guard data.count <= Self.sizeLimit else { throw .token(path: path, reason: "larger than \(Self.sizeLimit) bytes") }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw .token(path: path, reason: token.isEmpty ? "the file is empty" : "not a single token")
            }
            return token
        }
    }
}
