import Foundation

/// How the gate authenticates to the upstream. The agent never sees it.
public enum UpstreamCredential: Sendable {
    /// No credential (the emulator accepts anything).
    case none
    /// A command that prints an access token (e.g. `gcloud auth print-access-token`), cached.
    case accessTokenCommand(String)
    /// A fixed bearer token (tests).
    case bearer(String)
    /// A service-account key file (JSON): a JWT bearer grant signed RS256, exchanged at its token_uri.
    case serviceAccountKey(String)
}

/// Produces the `Authorization` header for upstream calls, caching command output.
public actor UpstreamAuthorizer {
    private let credential: UpstreamCredential
    private var cached: (token: String, until: Date)?
    /// Credential variables removed from hrec's own environment (so the recorded command cannot
    /// read them from /proc), given back to the access-token command only.
    private let environment: [String: String]

    public init(_ credential: UpstreamCredential, environment: [String: String] = [:]) {
        self.credential = credential
        self.environment = environment
    }

    /// The header line, or nil for `.none`.
    /// - Throws: `GateError.configuration` when the token command fails.
    public func header() async throws -> String? {
        switch credential {
        case .none:
            return nil
        case let .bearer(token):
            return "Authorization: Bearer \(token)"
        case let .accessTokenCommand(command):
            if let cached, cached.until > Date() { return "Authorization: Bearer \(cached.token)" }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            let pipe = Pipe()
            process.standardOutput = pipe
            do { try process.run() } catch { throw GateError.configuration("cannot run access-token command '\(command)'") }
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let token = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard process.terminationStatus == 0, !token.isEmpty else {
                throw GateError.configuration("access-token command '\(command)' failed (status \(process.terminationStatus))")
            }
            // Google access tokens live an hour; refresh well before.
            cached = (token, Date().addingTimeInterval(45 * 60))
            return "Authorization: Bearer \(token)"
        case let .serviceAccountKey(path):
            if let cached, cached.until > Date() { return "Authorization: Bearer \(cached.token)" }
            let grant = try await ServiceAccountGrant(keyFile: path).exchange()
            cached = (grant.token, Date().addingTimeInterval(max(60, grant.expiresIn - 300)))
            return "Authorization: Bearer \(grant.token)"
        }
    }
}
