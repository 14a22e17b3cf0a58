import Crypto
import CryptoExtras
import Foundation

/// The OAuth 2.0 JWT bearer grant (RFC 7523) with a Google service-account key: an assertion
/// signed RS256 with the key, exchanged at the key's `token_uri` for an access token.
struct ServiceAccountGrant {
    let clientEmail: String
    let keyID: String?
    let privateKey: _RSA.Signing.PrivateKey
    let tokenURI: String
    let scope = "https://www.googleapis.com/auth/bigquery"

    /// Reads a service-account key file (`type: service_account`).
    /// - Throws: `GateError.configuration` naming the file and what is missing.
    init(keyFile: String) throws {
        guard let data = FileManager.default.contents(atPath: keyFile),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw GateError.configuration("cannot read service-account key '\(keyFile)'")
        }
        guard object["type"] as? String == "service_account", let email = object["client_email"] as? String,
              let pem = object["private_key"] as? String else {
            throw GateError.configuration("'\(keyFile)' is not a service-account key (type, client_email, private_key)")
        }
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw GateError.configuration("'\(keyFile)': private_key is not an RSA key")
        }
        clientEmail = email
        keyID = object["private_key_id"] as? String
        tokenURI = object["token_uri"] as? String ?? "https://oauth2.googleapis.com/token"
    }

    /// The signed assertion.
    func assertion(now: Date = Date()) throws -> String {
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let issued = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = ["iss": clientEmail, "scope": scope, "aud": tokenURI, "iat": issued, "exp": issued + 3600]
        let input = DevIssuer.base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            + "." + DevIssuer.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try privateKey.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + DevIssuer.base64URL(signature.rawRepresentation)
    }

    /// Exchanges the assertion for an access token.
    /// - Throws: `GateError.upstream` when the token endpoint refuses or cannot be reached.
    func exchange() async throws -> (token: String, expiresIn: TimeInterval) {
        let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(try assertion())"
        let response = try await UpstreamClient(baseURL: tokenURI, workers: 1, timeoutMillis: 30_000).send(
            method: "POST", pathAndQuery: "", headers: ["Content-Type: application/x-www-form-urlencoded"], body: Array(form.utf8))
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
              let token = object["access_token"] as? String else {
            throw GateError.upstream("service-account token exchange at \(tokenURI) answered \(response.status)")
        }
        return (token, (object["expires_in"] as? Double) ?? 3600)
    }
}
