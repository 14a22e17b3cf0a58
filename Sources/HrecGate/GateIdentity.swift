import Foundation
import HrecJournal

/// How the gate learns who is calling.
public enum GateIdentity: Sendable {
    /// Verify the subject token of the token exchange as an OIDC ID token.
    case oidc(OIDCVerifier)
    /// Dev mode: no identity provider; everyone is this (unverified) identity, marked so in the journal.
    case dev(Identity)
    /// Nothing configured: every token exchange is refused (the gate fails closed).
    case unconfigured

    /// The identity proven by `subjectToken`.
    /// - Throws: `GateError.identity` with the reason.
    public func identify(subjectToken: String) async throws -> Identity {
        try await identifyWithExpiry(subjectToken: subjectToken).identity
    }

    /// The identity proven by `subjectToken` and until when it may be used (nil: no limit of
    /// its own, dev mode).
    /// - Throws: `GateError.identity` with the reason.
    func identifyWithExpiry(subjectToken: String) async throws -> (identity: Identity, usableUntil: Date?) {
        switch self {
        case let .oidc(verifier):
            let (identity, until) = try await verifier.verifyWithExpiry(subjectToken)
            return (identity, until)
        case let .dev(identity): return (identity, nil)
        case .unconfigured:
            throw GateError.identity("no identity provider is configured (hrec run --gate-config FILE, or --dev-identity)")
        }
    }
}
