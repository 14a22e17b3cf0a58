import Foundation
import HrecJournal

/// The gate inside `hrec run`: listens on 127.0.0.1 on a free port for the life of the session,
/// records into the session's journal, and prepares the child's environment so that an
/// unmodified Google client talks to it:
///
/// - `BIGQUERY_EMULATOR_HOST=http://127.0.0.1:PORT` (the Python client uses it as its endpoint);
/// - `GOOGLE_APPLICATION_CREDENTIALS` = an `external_account` file (0600, in a private 0700
///   directory removed at stop) whose `token_url` is the gate's `/v1/token` and whose
///   `credential_source.file` holds the person's OIDC token;
/// - the person's own Google credential variables are removed (`removedEnvironment`).
public final class EmbeddedGate: Sendable {
    /// Variables never passed to the child: they could reach Google around the gate.
    public static let removedEnvironment: Set<String> = [
        "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN",
        "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", "CLOUDSDK_CONFIG", "GOOGLE_CLOUD_ACCESS_TOKEN", "BIGQUERY_EMULATOR_HOST",
    ]

    public let server: GateServer
    /// Variables to add to the child's environment.
    public let environment: [String: String]
    private let directory: URL

    /// Starts the gate.
    /// - Parameters:
    ///   - identityTokenFile: the person's OIDC token file (re-read by the client at each exchange);
    ///     nil in dev mode, where a placeholder is written.
    ///   - directory: the session's private runtime directory (0700) for the client credentials
    ///     and the gate's unix socket (`gate.sock`, what a sandboxed command reaches); nil makes one.
    ///   - credentialEnvironment: the person's credential variables, for the access-token command only.
    ///   - advertisedHost: the address the command's client is given for the gate (in a sandbox,
    ///     the loopback address its relay listens on; the port is the gate's own).
    public static func start(identity: GateIdentity, identityTokenFile: String?, upstreamURL: String, credential: UpstreamCredential,
                             project: String?, sink: any RecordSink, lastPrompt: LastPrompt? = nil, policy: any RequestPolicy = AllowAll(),
                             dryRuns: Bool? = nil, responseJournalCap: Int? = nil, requestLimits: RequestLimits = .init(),
                             session: String? = nil, journal: String? = nil, directory given: URL? = nil,
                             credentialEnvironment: [String: String] = [:], advertisedHost: String = "127.0.0.1") async throws -> EmbeddedGate {
        let directory = try given ?? makePrivateDirectory()
        let socket = directory.appendingPathComponent("gate.sock").path
        let server: GateServer
        do {
            server = try await GateServer.start(host: "127.0.0.1", port: 0, identity: identity, journals: GateJournals(sink: sink, lastPrompt: lastPrompt),
                                                upstreamURL: upstreamURL, credential: credential, policy: policy, dryRuns: dryRuns,
                                                responseJournalCap: responseJournalCap, requestLimits: requestLimits,
                                                unixSocket: socket, credentialEnvironment: credentialEnvironment)
        } catch {
            if given == nil { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
        let clientURL = "http://\(advertisedHost):\(server.port)"
        var tokenFile = identityTokenFile
        if tokenFile == nil {
            let placeholder = directory.appendingPathComponent("dev-identity-token")
            try Self.writePrivate("dev-mode-no-identity-token\n", to: placeholder)
            tokenFile = placeholder.path
        }
        let credentials: [String: Any] = [
            "type": "external_account",
            "audience": "//iam.googleapis.com/projects/0/locations/global/workloadIdentityPools/hrec/providers/gate",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": "\(clientURL)/v1/token",
            "credential_source": ["file": tokenFile!],
        ]
        let credentialsURL = directory.appendingPathComponent("application_default_credentials.json")
        let data = try JSONSerialization.data(withJSONObject: credentials, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try Self.writePrivate(String(decoding: data, as: UTF8.self), to: credentialsURL)
        var environment = [
            "BIGQUERY_EMULATOR_HOST": clientURL,
            "GOOGLE_APPLICATION_CREDENTIALS": credentialsURL.path,
            "CLOUDSDK_CONFIG": directory.appendingPathComponent("gcloud").path,
        ]
        if let project { environment["GOOGLE_CLOUD_PROJECT"] = project }
        // Approvers find this gate through the runtime directory (hrec approvals list).
        let registration = session.flatMap {
            try? GateRegistry.register(.init(url: server.url, session: $0, journal: journal, pid: getpid()))
        }
        return EmbeddedGate(server: server, environment: environment, directory: directory, socketPath: socket, registration: registration)
    }

    /// A new private directory (0700) in `$XDG_RUNTIME_DIR` or the temporary directory.
    public static func makePrivateDirectory() throws -> URL {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var template = Array(URL(fileURLWithPath: base).appendingPathComponent("hrec-run-XXXXXX").path.utf8CString)
        guard mkdtemp(&template) != nil else { throw GateError.configuration("cannot create a private directory in \(base)") }
        return URL(fileURLWithPath: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    private let registration: URL?
    /// The gate's unix socket (same surface as the TCP port).
    public let socketPath: String

    private init(server: GateServer, environment: [String: String], directory: URL, socketPath: String, registration: URL?) {
        self.server = server
        self.environment = environment
        self.directory = directory
        self.socketPath = socketPath
        self.registration = registration
    }

    /// Stops the server and removes the private directory with the credentials file.
    public func stop() async {
        await server.stop(reason: "session ended")
        try? FileManager.default.removeItem(at: directory)
        if let registration { try? FileManager.default.removeItem(at: registration) }
    }

    private static func writePrivate(_ text: String, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw GateError.configuration("cannot write \(url.path)")
        }
    }
}
