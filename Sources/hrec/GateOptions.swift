import ArgumentParser
import Foundation
import HrecGate
import HrecJournal
import HrecPolicy

/// Options of the embedded gate of `hrec run`.
struct GateOptions: ParsableArguments {
    @Option(name: .customLong("gate-config"), help: ArgumentHelp("Gate configuration (identity, upstream) in YAML.", valueName: "FILE"))
    var configFile: String?

    @Option(name: .customLong("policy"), help: ArgumentHelp("Policy file (rules, masking; may also hold identity and upstream).", valueName: "FILE"))
    var policyFile: String?

    @Option(name: .customLong("identity-token"), help: ArgumentHelp("Your OIDC ID token, verified at start and used by the agent's client.", valueName: "FILE"))
    var identityToken: String?

    @Flag(name: .customLong("dev-identity"), help: "Dev mode: no identity provider; BigQuery calls are attributed to your OS user and marked unverified.")
    var devIdentity = false

    @Option(name: .customLong("upstream"), help: ArgumentHelp("BigQuery base URL (default https://bigquery.googleapis.com, or the config's).", valueName: "URL"))
    var upstream: String?

    @Option(name: .customLong("project"), help: ArgumentHelp("Default Google Cloud project for the agent's client (GOOGLE_CLOUD_PROJECT).", valueName: "ID"))
    var project: String?

    @Flag(name: .customLong("no-gate"), help: "Do not start the BigQuery gate (record the terminal only).")
    var noGate = false

    /// The request policy: the --policy file's rules, or forward everything when none is given.
    func requestPolicy() throws -> any RequestPolicy {
        guard let policyFile else { return AllowAll() }
        return try PolicyGate(policy: try PolicyParser.load(path: policyFile))
    }

    /// The configuration file merged with the flags.
    func configuration() throws -> GateConfiguration {
        var configuration = try (configFile ?? policyFile).map { try GateConfiguration.load(path: $0) } ?? GateConfiguration()
        if devIdentity { configuration.identity = .init(dev: true) }
        if let upstream { configuration.upstream = .init(url: upstream, accessTokenCommand: configuration.upstream?.accessTokenCommand,
                                                                     serviceAccountKey: configuration.upstream?.serviceAccountKey, project: configuration.upstream?.project,
                                                                     dryRun: configuration.upstream?.dryRun) }
        if let project {
            var settings = configuration.upstream ?? .init()
            settings.project = project
            configuration.upstream = settings
        }
        return configuration
    }
}
