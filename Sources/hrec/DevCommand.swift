import ArgumentParser
import Foundation
import HrecGate

/// `hrec dev`: a throwaway OIDC issuer and the egress proxy alone, for tests and demos (hidden).
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Test identity issuer: make keys and a JWKS, mint ID tokens. Not for real identities.",
        shouldDisplay: false,
        subcommands: [Keys.self, Token.self, EgressProxyCommand.self])

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write rsa.pem, ec.pem and jwks.json into a directory.")
        @Option(help: "Directory to write.") var out: String
        func run() throws {
            try DevIssuer().write(to: URL(fileURLWithPath: out))
            print(URL(fileURLWithPath: out).appendingPathComponent("jwks.json").path)
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an ID token signed by the keys in a directory.")
        @Option(help: "Directory made by `hrec dev keys`.") var keys: String
        @Option(help: "iss claim.") var iss = "https://issuer.hrec.test"
        @Option(help: "aud claim.") var aud = "hrec-gate"
        @Option(help: "sub claim.") var sub = "alice"
        @Option(help: "email claim.") var email: String?
        @Option(help: "Comma-separated groups.") var groups = ""
        @Option(help: "Seconds of validity (negative: already expired).") var ttl: Int = 3600
        @Option(help: "RS256 or ES256.") var alg = "RS256"
        func run() throws {
            let issuer = try DevIssuer(directory: URL(fileURLWithPath: keys))
            let claims = DevIssuer.claims(issuer: iss, audience: aud, subject: sub, email: email,
                                          groups: groups.split(separator: ",").map(String.init), ttl: TimeInterval(ttl))
            print(try issuer.token(claims: claims, algorithm: alg))
        }
    }
}
