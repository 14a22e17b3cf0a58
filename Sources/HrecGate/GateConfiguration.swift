import Foundation
import HrecJournal
import HrecPolicy
import Yams

/// The gate's settings, from a YAML file (see docs/http-surface.md, "Configuration"):
///
/// ```yaml
/// identity:
///   issuer: https://accounts.example.com
///   audience: [hrec-gate]
///   jwks: /etc/hrec/jwks.json          # a file, or an https:// URL (fetched with libcurl)
///   groups_claim: groups
/// upstream:
///   url: https://bigquery.googleapis.com
///   access_token_command: gcloud auth print-access-token   # or omit for none (emulator)
///   project: my-project
/// journals: /var/lib/hrec/gate          # standalone gate: one journal per client session
/// ```
public struct GateConfiguration: Sendable, Equatable, Decodable {
    public struct IdentitySettings: Sendable, Equatable, Decodable {
        public var issuer: String?
        public var audience: [String]?
        public var jwks: String?
        public var groupsClaim: String?
        /// Dev mode: no identity provider; requests are attributed to the OS user, unverified.
        public var dev: Bool?

        public init(issuer: String? = nil, audience: [String]? = nil, jwks: String? = nil, groupsClaim: String? = nil, dev: Bool? = nil) {
            self.issuer = issuer
            self.audience = audience
            self.jwks = jwks
            self.groupsClaim = groupsClaim
            self.dev = dev
        }

        enum CodingKeys: String, CodingKey {
            case issuer, audience, jwks, dev
            case groupsClaim = "groups_claim"
        }
    }

    public struct UpstreamSettings: Sendable, Equatable, Decodable {
        public var url: String?
        public var accessTokenCommand: String?
        public var serviceAccountKey: String?
        public var project: String?
        /// Ask the upstream for a dry run before allowing a query (default: only for *.googleapis.com;
        /// an emulator may execute DDL it was asked to dry-run).
        public var dryRun: Bool?

        public init(url: String? = nil, accessTokenCommand: String? = nil, serviceAccountKey: String? = nil, project: String? = nil, dryRun: Bool? = nil) {
            self.dryRun = dryRun
            self.url = url
            self.accessTokenCommand = accessTokenCommand
            self.serviceAccountKey = serviceAccountKey
            self.project = project
        }

        enum CodingKeys: String, CodingKey {
            case url, project
            case dryRun = "dry_run"
            case accessTokenCommand = "access_token_command"
            case serviceAccountKey = "service_account_key"
        }
    }

    /// `confinement:` of `hrec run` (docs/confinement.md): paths hidden besides the defaults,
    /// default paths left visible.
    public struct ConfinementSettings: Sendable, Equatable, Decodable {
        public var hide: [String]?
        public var expose: [String]?
        public init(hide: [String]? = nil, expose: [String]? = nil) {
            self.hide = hide
            self.expose = expose
        }
    }

    /// `journal:`: what the gate keeps of each response (docs/gate-events.md).
    public struct JournalSettings: Sendable, Equatable, Decodable {
        /// `response_body_cap`: the most of one response body kept (`1MiB`, `500 KB`, bytes);
        /// absent: every byte.
        public var responseBodyCap: String?

        public init(responseBodyCap: String? = nil) { self.responseBodyCap = responseBodyCap }

        enum CodingKeys: String, CodingKey {
            case responseBodyCap = "response_body_cap"
        }
    }

    /// `limits:`: what the gate holds in memory (byte sizes: `256MiB`, `500 KB`, bytes).
    public struct LimitSettings: Sendable, Equatable, Decodable {
        /// `memory_budget`: request and upstream response bodies held at once by all calls.
        public var memoryBudget: String?
        /// `max_response`: the largest upstream response body the gate takes in whole.
        public var maxResponse: String?
        /// `stream_above`: result pages longer than this are streamed row by row.
        public var streamAbove: String?

        public init(memoryBudget: String? = nil, maxResponse: String? = nil, streamAbove: String? = nil) {
            self.memoryBudget = memoryBudget
            self.maxResponse = maxResponse
            self.streamAbove = streamAbove
        }

        enum CodingKeys: String, CodingKey {
            case memoryBudget = "memory_budget"
            case maxResponse = "max_response"
            case streamAbove = "stream_above"
        }
    }

    /// `delivery:` of `hrec run`: where and how its journals are shipped (docs/collector.md).
    /// Command-line options override these, except that `mode: sync` cannot be lowered.
    public struct DeliverySettings: Sendable, Equatable, Decodable {
        public var collector: String?
        /// `async` or `sync`.
        public var mode: String?
        public var syncWindow: Double?
        public var syncTimeout: Double?
        public var collectorKey: String?

        public init(collector: String? = nil, mode: String? = nil, syncWindow: Double? = nil, syncTimeout: Double? = nil,
                    collectorKey: String? = nil) {
            self.collector = collector
            self.mode = mode
            self.syncWindow = syncWindow
            self.syncTimeout = syncTimeout
            self.collectorKey = collectorKey
        }

        enum CodingKeys: String, CodingKey {
            case collector, mode
            case syncWindow = "sync_window"
            case syncTimeout = "sync_timeout"
            case collectorKey = "collector_key"
        }
    }

    public var identity: IdentitySettings?
    public var upstream: UpstreamSettings?
    public var journals: String?
    public var confinement: ConfinementSettings?
    public var journal: JournalSettings?
    public var delivery: DeliverySettings?
    public var limits: LimitSettings?

    /// The journal's cap on one response body, nil for none.
    /// - Throws: `GateError.configuration` when `journal.response_body_cap` is not a byte size.
    public func responseJournalCap() throws -> Int? {
        guard let text = journal?.responseBodyCap else { return nil }
        guard let bytes = ByteSize.parse(text), bytes <= UInt64(Int.max) else {
            throw GateError.configuration("journal.response_body_cap '\(text)' is not a byte size (e.g. 1MiB, 500 KB, 65536)")
        }
        return Int(bytes)
    }

    /// The request limits, with `limits:` applied over the defaults.
    /// - Throws: `GateError.configuration` naming a value that is not a byte size.
    public func requestLimits() throws -> RequestLimits {
        var limits = RequestLimits()
        func bytes(_ text: String?, _ name: String) throws -> Int? {
            guard let text else { return nil }
            guard let bytes = ByteSize.parse(text), bytes > 0, bytes <= UInt64(Int.max) else {
                throw GateError.configuration("limits.\(name) '\(text)' is not a byte size (e.g. 256MiB, 500 KB, 65536)")
            }
            return Int(bytes)
        }
        if let budget = try bytes(self.limits?.memoryBudget, "memory_budget") { limits.memoryBudgetBytes = budget }
        if let largest = try bytes(self.limits?.maxResponse, "max_response") { limits.maxResponseBytes = largest }
        if let above = try bytes(self.limits?.streamAbove, "stream_above") { limits.streamAboveBytes = above }
        return limits
    }

    public init(identity: IdentitySettings? = nil, upstream: UpstreamSettings? = nil, journals: String? = nil) {
        self.identity = identity
        self.upstream = upstream
        self.journals = journals
    }

    /// Reads a YAML file. Keys the gate does not know are ignored (the policy file shares it).
    /// - Throws: `GateError.configuration` naming the file and the problem.
    public static func load(path: String) throws -> GateConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GateError.configuration("cannot read '\(path)'")
        }
        do {
            return try YAMLDecoder().decode(GateConfiguration.self, from: String(decoding: data, as: UTF8.self))
        } catch {
            throw GateError.configuration("'\(path)': \(error)")
        }
    }

    /// The identity mode these settings describe.
    /// - Throws: `GateError.configuration` when neither OIDC settings nor dev mode are given.
    public func gateIdentity(devUser: String) throws -> GateIdentity {
        if identity == nil { return .unconfigured }
        if identity?.dev == true {
            return .dev(Identity(email: nil, subject: devUser, issuer: nil, groups: [], verified: false))
        }
        guard let issuer = identity?.issuer, let audience = identity?.audience, !audience.isEmpty, let jwks = identity?.jwks else {
            throw GateError.configuration("identity needs issuer, audience and jwks (or dev: true)")
        }
        let source: OIDCVerifier.KeySource = jwks.hasPrefix("http://") || jwks.hasPrefix("https://") ? .url(jwks) : .file(jwks)
        return .oidc(OIDCVerifier(issuer: issuer, audiences: Set(audience), keys: source, groupsClaim: identity?.groupsClaim ?? "groups"))
    }

    /// Whether real BigQuery is the upstream (its dry runs never execute anything).
    public static func upstreamOffersDryRun(_ url: String) -> Bool {
        URL(string: url)?.host?.hasSuffix("googleapis.com") ?? false
    }

    /// The upstream credential these settings describe.
    public var upstreamCredential: UpstreamCredential {
        if let key = upstream?.serviceAccountKey { return .serviceAccountKey(key) }
        return upstream?.accessTokenCommand.map { .accessTokenCommand($0) } ?? .none
    }
}
