import Foundation
import HrecJournal
import JWTKit

/// Verifies OIDC ID tokens: RS256 or ES256 only, a key from the issuer's JWKS (by `kid`),
/// `iss`, `aud`, `exp`, `nbf` and `iat` with a small clock skew.
///
/// The JWKS comes from a file or from a URL fetched with libcurl, cached, and fetched again
/// (at most every 30 s) when a token names an unknown `kid`.
public actor OIDCVerifier {
    /// Where the issuer's keys come from.
    public enum KeySource: Sendable, Equatable {
        case file(String)
        case url(String)
    }

    public let issuer: String
    public let audiences: Set<String>
    public let groupsClaim: String
    public let skewSeconds: Double
    private let source: KeySource
    private var keys: JWTKeyCollection?
    private var kids: [String: String?] = [:]   // kid -> alg named by the JWK, if any
    private var lastFetch: Date = .distantPast

    public init(issuer: String, audiences: Set<String>, keys source: KeySource, groupsClaim: String = "groups", skewSeconds: Double = 60) {
        self.issuer = issuer
        self.audiences = audiences
        self.source = source
        self.groupsClaim = groupsClaim
        self.skewSeconds = skewSeconds
    }

    /// Verifies `token` and returns the identity it proves.
    /// - Throws: `GateError.identity` with the reason (for the log; clients get a plain refusal).
    public func verify(_ token: String, now: Date = Date()) async throws -> Identity {
        try await verifyWithExpiry(token, now: now).identity
    }

    /// `verify`, also returning until when the token may be used: its `exp` plus the skew.
    /// Anything the gate derives from the token (its own token) must not outlive that.
    public func verifyWithExpiry(_ token: String, now: Date = Date()) async throws -> (identity: Identity, usableUntil: Date) {
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URLDecode(parts[0]),
              let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw GateError.identity("not a JWS compact token")
        }
        guard let alg = header["alg"] as? String else { throw GateError.identity("token header has no alg") }
        guard alg == "RS256" || alg == "ES256" else { throw GateError.identity("algorithm '\(alg)' is not accepted (RS256 or ES256 only)") }
        guard let kid = header["kid"] as? String else { throw GateError.identity("token header has no kid") }
        if kids[kid] == nil { try await loadKeys(refresh: keys != nil) }
        guard let named = kids[kid] else { throw GateError.identity("unknown signing key '\(kid)'") }
        if let keyAlg = named, keyAlg != alg { throw GateError.identity("key '\(kid)' is for \(keyAlg), token says \(alg)") }
        guard let keys else { throw GateError.identity("no keys") }
        let claims: IDTokenClaims
        do {
            claims = try await keys.verify(token, as: IDTokenClaims.self)
        } catch {
            throw GateError.identity("signature does not verify: \(error)")
        }
        guard claims.iss.value == issuer else { throw GateError.identity("issuer '\(claims.iss.value)' is not '\(issuer)'") }
        guard !audiences.isDisjoint(with: claims.aud.value) else {
            throw GateError.identity("audience \(claims.aud.value) is not \(audiences.sorted())")
        }
        guard claims.exp.value.addingTimeInterval(skewSeconds) > now else { throw GateError.identity("token expired at \(claims.exp.value)") }
        if let nbf = claims.nbf, nbf.value.addingTimeInterval(-skewSeconds) > now { throw GateError.identity("token not valid before \(nbf.value)") }
        if let iat = claims.iat, iat.value.addingTimeInterval(-skewSeconds) > now { throw GateError.identity("token issued in the future (\(iat.value))") }
        let payload = Self.base64URLDecode(parts[1]).flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any] ?? [:]
        let groups: [String] = (payload[groupsClaim] as? [String]) ?? ((payload[groupsClaim] as? String).map { [$0] } ?? [])
        let identity = Identity(email: claims.email, subject: claims.sub.value, issuer: claims.iss.value, groups: groups, verified: true)
        return (identity, claims.exp.value.addingTimeInterval(skewSeconds))
    }

    private func loadKeys(refresh: Bool) async throws {
        if refresh {
            guard case .url = source, Date().timeIntervalSince(lastFetch) > 30 else { return }
        }
        let json: String
        switch source {
        case let .file(path):
            guard let data = FileManager.default.contents(atPath: path) else { throw GateError.configuration("cannot read JWKS file '\(path)'") }
            json = String(decoding: data, as: UTF8.self)
        case let .url(url):
            lastFetch = Date()
            let response = try await UpstreamClient(baseURL: url, workers: 1, timeoutMillis: 10_000).send(
                method: "GET", pathAndQuery: "", headers: ["Accept: application/json"], body: nil)
            guard response.status == 200 else { throw GateError.identity("JWKS at \(url) answered \(response.status)") }
            json = String(decoding: response.body, as: UTF8.self)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let list = object["keys"] as? [[String: Any]] else {
            throw GateError.configuration("JWKS is not a JSON object with \"keys\"")
        }
        let collection = JWTKeyCollection()
        do {
            try await collection.add(jwksJSON: json)
        } catch {
            throw GateError.configuration("JWKS cannot be loaded: \(error)")
        }
        keys = collection
        kids = [:]
        for key in list {
            if let kid = key["kid"] as? String { kids[kid] = .some(key["alg"] as? String) }
        }
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// The standard claims of an OIDC ID token that the gate checks (checks done by `OIDCVerifier`).
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?
    var email: String?

    func verify(using _: some JWTAlgorithm) async throws {}
}
