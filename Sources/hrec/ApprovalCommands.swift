import ArgumentParser
import Foundation
import HrecGate

/// Where approval commands send their calls, and who is asking.
struct ApproverOptions: ParsableArguments {
    @Option(name: .customLong("gate"), help: ArgumentHelp("A standalone gate's URL (default: the running hrec run sessions' gates).", valueName: "URL"))
    var gate: String?

    @Option(name: .customLong("identity-token"), help: ArgumentHelp("Your OIDC ID token (default: $HREC_IDENTITY_TOKEN).", valueName: "FILE"))
    var identityToken: String?

    func token() throws -> String {
        if let identityToken {
            guard let data = FileManager.default.contents(atPath: identityToken) else { throw CLIError("cannot read identity token '\(identityToken)'") }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token = ProcessInfo.processInfo.environment["HREC_IDENTITY_TOKEN"], !token.isEmpty { return token }
        throw CLIError("approvers prove who they are: pass --identity-token FILE (or set HREC_IDENTITY_TOKEN)")
    }

    func gates() throws -> [String] {
        if let gate { return [gate] }
        let urls = GateRegistry.entries().map(\.url)
        guard !urls.isEmpty else { throw CLIError("no running gate found in \(GateRegistry.directory.path); name one with --gate URL") }
        return urls
    }

    /// Calls the approvals API of `gate`; returns the JSON answer.
    func call(_ gate: String, method: String, path: String, body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }.map { [UInt8]($0) }
        let response = try await UpstreamClient(baseURL: gate, workers: 1, timoutMillisDefault: ()).send(
            method: method, pathAndQuery: "/hrec/v1/approvals" + path,
            headers: ["Authorization: Bearer \(try token())", "Content-Type: application/json"], body: data)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// The gate holding approval `id`, and the approval.
    func find(_ id: String) async throws -> (String, [String: Any]) {
        for gate in try gates() {
            let (status, object) = try await call(gate, method: "GET", path: "/\(id)")
            if status == 200 { return (gate, object) }
            if status == 403 || status == 401 { throw CLIError("gate \(gate): \(object["error"] as? String ?? "refused")") }
        }
        throw CLIError("no gate holds a request \(id)")
    }
}

extension UpstreamClient {
    convenience init(baseURL: String, workers: Int, timoutMillisDefault: Void) {
        self.init(baseURL: baseURL, workers: workers, timeoutMillis: 30_000, connectTimeoutMillis: 5_000)
    }
}

/// `hrec approvals list|show`.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List and show requests held for approval.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List held requests (pending first).")
        @OptionGroup var approver: ApproverOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            var all: [[String: Any]] = []
            for gate in try approver.gates() {
                let (status, object) = try await approver.call(gate, method: "GET", path: "")
                guard status == 200 else { throw CLIError("gate \(gate): \(object["error"] as? String ?? "status \(status)")") }
                all += (object["approvals"] as? [[String: Any]]) ?? []
            }
            if json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys]), as: UTF8.self))
                return
            }
            if all.isEmpty { print("no held requests"); return }
            for item in all {
                print("\(item["id"] ?? "")  \(item["state"] ?? "")  \(item["requester"] ?? "")  rule \(item["rule"] ?? "")  "
                      + "\((item["statements"] as? [String] ?? []).joined(separator: ","))  expires \(item["expiresAt"] ?? "")")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one held request: SQL, requester, analysis, tables, estimate, session.")
        @OptionGroup var approver: ApproverOptions
        @Argument(help: "The request id (apr-...).") var id: String
        func run() async throws {
            let (_, item) = try await approver.find(id)
            print("""
                request    \(item["id"] ?? "")  (\(item["state"] ?? ""))
                requester  \(item["requester"] ?? "")
                rule       \(item["rule"] ?? ""): \(item["message"] ?? "")
                statements \((item["statements"] as? [String] ?? []).joined(separator: ", "))
                tables     \((item["tables"] as? [String] ?? []).joined(separator: ", "))
                estimate   \(item["estimatedBytes"] as? String ?? "unknown") bytes
                approvals  \((item["approvals"] as? [[String: String]] ?? []).count) of \(item["needed"] ?? 1) from \((item["approvers"] as? [String] ?? []).joined(separator: ", "))
                expires    \(item["expiresAt"] ?? "")
                session    \(item["session"] ?? "")  job \(item["job"] ?? "")
                replay     \(item["replay"] ?? "-")
                sql
                \(item["sql"] ?? "")
                """)
        }
    }
}

/// `hrec approve ID`.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a held request (you must be one of its rule's approvers, and not its requester).")
    @OptionGroup var approver: ApproverOptions
    @Argument(help: "The request id.") var id: String
    @Option(help: "Why.") var reason: String?
    func run() async throws {
        let (gate, _) = try await approver.find(id)
        var body: [String: Any] = [:]
        body["reason"] = reason
        let (status, object) = try await approver.call(gate, method: "POST", path: "/\(id)/approve", body: body)
        guard status == 200 else { throw CLIError("not approved: \(object["error"] as? String ?? "status \(status)")") }
        let count = (object["approvals"] as? [Any])?.count ?? 0
        print("\(id): \(object["state"] ?? "") (\(count) of \(object["needed"] ?? 1) approvals)")
    }
}

/// `hrec deny ID --reason`.
struct DenyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny a held request; the agent's job fails with your reason.")
    @OptionGroup var approver: ApproverOptions
    @Argument(help: "The request id.") var id: String
    @Option(help: "Why (required: the agent is told).") var reason: String
    func run() async throws {
        let (gate, _) = try await approver.find(id)
        let (status, object) = try await approver.call(gate, method: "POST", path: "/\(id)/deny", body: ["reason": reason])
        guard status == 200 else { throw CLIError("not denied: \(object["error"] as? String ?? "status \(status)")") }
        print("\(id): denied")
    }
}
