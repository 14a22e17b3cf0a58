import Foundation
import HrecTestSupport
import Testing
@testable import HrecGate

@Suite struct OIDCVerifierTests {
    let issuer: DevIssuer
    let verifier: OIDCVerifier
    let directory = Fixtures.temporaryDirectory("oidc")

    init() throws {
        issuer = try DevIssuer()
        try issuer.write(to: directory)
        verifier = OIDCVerifier(issuer: "https://idp.test", audiences: ["gate"], keys: .file(directory.appendingPathComponent("jwks.json").path))
    }

    func claims(ttl: TimeInterval = 600, iss: String = "https://idp.test", aud: String = "gate") -> [String: Any] {
        DevIssuer.claims(issuer: iss, audience: aud, subject: "alice", email: "alice@example.com", groups: ["eng", "sre"], ttl: ttl)
    }

    @Test(arguments: ["RS256", "ES256"])
    func validTokensYieldTheIdentity(algorithm: String) async throws {
        let identity = try await verifier.verify(try issuer.token(claims: claims(), algorithm: algorithm))
        #expect(identity.email == "alice@example.com")
        #expect(identity.subject == "alice")
        #expect(identity.groups == ["eng", "sre"])
        #expect(identity.verified)
    }

    @Test func refusalsNameTheReason() async throws {
        let cases: [(String, String)] = [
            (try issuer.token(claims: claims(ttl: -600)), "expired"),
            (try issuer.token(claims: claims(iss: "https://evil.test")), "issuer"),
            (try issuer.token(claims: claims(aud: "other")), "audience"),
            (try DevIssuer().token(claims: claims()), "unknown signing key"),
            ("a.b", "not a JWS"),
        ]
        for (token, reason) in cases {
            do {
                _ = try await verifier.verify(token)
                Issue.record("accepted a token that should fail with \(reason)")
            } catch {
                #expect("\(error)".contains(reason), "\(error)")
            }
        }
    }
}
