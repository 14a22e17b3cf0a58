import Crypto
import CryptoExtras
import Foundation

/// A throwaway OIDC issuer for tests and the demo: an RSA and an EC key, their JWKS, and ID
/// tokens with chosen claims. Never for production identities.
public struct DevIssuer {
    public let rsa: _RSA.Signing.PrivateKey
    public let ec: P256.Signing.PrivateKey
    public let rsaKeyID: String
    public let ecKeyID: String

    /// New random keys.
    public init() throws {
        rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        ec = P256.Signing.PrivateKey()
        rsaKeyID = "rsa-" + Self.shortID()
        ecKeyID = "ec-" + Self.shortID()
    }

    /// Loads keys written by `write(to:)`.
    public init(directory: URL) throws {
        func read(_ name: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                throw GateError.configuration("cannot read \(directory.appendingPathComponent(name).path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        rsa = try _RSA.Signing.PrivateKey(pemRepresentation: try read("rsa.pem"))
        ec = try P256.Signing.PrivateKey(pemRepresentation: try read("ec.pem"))
        let ids = try read("kids").split(separator: "\n").map(String.init)
        guard ids.count == 2 else { throw GateError.configuration("bad kids file") }
        rsaKeyID = ids[0]
        ecKeyID = ids[1]
    }

    /// Writes `rsa.pem`, `ec.pem` (0600), `kids` and `jwks.json` into `directory`.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String, mode: Int) throws {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        }
        try write("rsa.pem", rsa.pemRepresentation, mode: 0o600)
        try write("ec.pem", ec.pemRepresentation, mode: 0o600)
        try write("kids", "\(rsaKeyID)\n\(ecKeyID)\n", mode: 0o644)
        try write("jwks.json", try jwks(), mode: 0o644)
    }

    /// The public keys as a JWKS document.
    public func jwks() throws -> String {
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let point = ec.publicKey.x963Representation.dropFirst()
        let keys: [[String: String]] = [
            ["kty": "RSA", "kid": rsaKeyID, "alg": "RS256", "use": "sig",
             "n": Self.base64URL(primitives.modulus), "e": Self.base64URL(primitives.publicExponent)],
            ["kty": "EC", "kid": ecKeyID, "alg": "ES256", "use": "sig", "crv": "P-256",
             "x": Self.base64URL(point.prefix(32)), "y": Self.base64URL(point.suffix(32))],
        ]
        let data = try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// An ID token signed with the RSA key (RS256) or the EC key (ES256).
    public func token(claims: [String: Any], algorithm: String = "RS256") throws -> String {
        let header: [String: Any] = ["alg": algorithm, "typ": "JWT", "kid": algorithm == "ES256" ? ecKeyID : rsaKeyID]
        let signingInput = Self.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            + "." + Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature: Data
        switch algorithm {
        case "RS256":
            signature = try rsa.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
        case "ES256":
            signature = try ec.signature(for: Data(signingInput.utf8)).rawRepresentation
        default:
            throw GateError.configuration("DevIssuer signs RS256 or ES256, not \(algorithm)")
        }
        return signingInput + "." + Self.base64URL(signature)
    }

    /// Standard claims for a person, valid for `ttl` seconds (negative: already expired).
    public static func claims(issuer: String, audience: String, subject: String, email: String?, groups: [String],
                              ttl: TimeInterval, now: Date = Date()) -> [String: Any] {
        var claims: [String: Any] = ["iss": issuer, "aud": audience, "sub": subject, "groups": groups,
                                     "iat": Int(now.timeIntervalSince1970) - (ttl < 0 ? Int(-ttl) * 2 : 0),
                                     "exp": Int(now.timeIntervalSince1970 + ttl)]
        if let email { claims["email"] = email }
        return claims
    }

    static func base64URL<D: DataProtocol>(_ data: D) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func shortID() -> String {
        String(UUID().uuidString.lowercased().prefix(8))
    }
}
