import ArgumentParser
import Foundation
import HrecPolicy
import HrecSQL

/// `hrec policy`: check a policy file and explain its decisions.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a policy file, or explain what it decides for a statement.",
        subcommands: [Check.self, Explain.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every problem in a policy file, each with its line and column.",
            discussion: "Exit status 0 when the file is valid, 1 otherwise.")
        @Argument(help: "The policy file.") var file: String
        func run() throws {
            let policy = try PolicyParser.load(path: file)
            print("\(file): OK: \(policy.rules.count) rules, default \(policy.defaultAction.rawValue), \(policy.masking.columns.count) masked columns, \(policy.masking.detectors.count) detectors; digest \(policy.digest.prefix(16))")
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the analysis of SQL, the decision, and every rule that matched and why.",
            discussion: """
                Example:
                  hrec policy explain fixtures/policies/example.yaml --as alice@example.com --groups analysts \\
                    --sql "DELETE FROM shop.customers WHERE id = 1"
                Exit status: 0 allow, 3 review, 4 deny.
                """)
        @Argument(help: "The policy file.") var file: String
        @Option(help: "The SQL to explain.") var sql: String
        @Option(name: .customLong("as"), help: "The requester's email.") var email: String
        @Option(help: "Comma-separated groups of the requester.") var groups = ""
        @Option(name: .customLong("default-project"), help: "Project for unqualified names.") var defaultProject = "project"
        @Option(name: .customLong("default-dataset"), help: "Dataset for unqualified table names.") var defaultDataset: String?
        @Option(name: .customLong("estimated-bytes"), help: "A dry-run estimate to evaluate byte limits with.") var estimatedBytes: String?
        @Option(name: .customLong("schema"), help: ArgumentHelp(
            "A table's schema for rules on columns: TABLE=FILE.json, FILE a tables.get answer (repeatable).",
            discussion: "TABLE is project.dataset.table, or dataset.table in the default project. Without it, columns are unresolved."))
        var schemas: [String] = []

        func run() throws {
            let policy = try PolicyParser.load(path: file)
            let analysis: ScriptAnalysis
            do {
                analysis = try SQLAnalyzer(defaultProject: defaultProject, defaultDataset: defaultDataset).analyze(sql)
            } catch {
                throw CLIError("\(error); the gate refuses SQL it cannot parse", exitCode: 4)
            }
            print("analysis:")
            for (index, statement) in analysis.statements.enumerated() {
                print("  \(index + 1). \(statement.kind)"
                      + (statement.reads.isEmpty ? "" : "  reads \(statement.reads.sorted().map(\.description).joined(separator: ", "))")
                      + (statement.writes.isEmpty ? "" : "  writes \(statement.writes.sorted().map(\.description).joined(separator: ", "))"))
            }
            var request = PolicyRequest(email: email, subject: email, groups: groups.split(separator: ",").map(String.init),
                                        statements: analysis.statements, estimatedBytes: estimatedBytes.flatMap(ByteSize.parse))
            request.schemas = try loadSchemas()
            if policy.hasColumnConditions {
                print("columns:")
                for (index, statement) in analysis.statements.enumerated() {
                    let resolved = ColumnResolver.resolve(statement.columnUsage, schemas: request.schemas)
                    print("  \(index + 1). uses " + (resolved.columns.isEmpty ? "no column" : resolved.columns.sorted().map(\.description).joined(separator: ", ")))
                    if !resolved.stars.isEmpty { print("     selects every column of \(resolved.stars.sorted().map(\.description).joined(separator: ", "))") }
                    for reason in resolved.unresolved { print("     unresolved: \(reason)") }
                }
            }
            let decision = policy.evaluate(request)
            print("decision: \(decision.action.rawValue.uppercased())  \(decision.message)")
            if let cap = decision.maximumBytesBilled { print("maximumBytesBilled: \(cap)") }
            print("rules:")
            for match in decision.matches {
                print("  statement \(match.statement + 1): \(match.rule) (\(match.action)): \(match.reason)")
            }
            for miss in decision.outside {
                print("  statement \(miss.statement + 1): \(miss.rule) (\(miss.action)) does not apply: \(miss.reason)")
            }
            switch decision.action {
            case .allow: break
            case .review: throw ExitCode(3)
            case .deny: throw ExitCode(4)
            }
        }

        /// The `--schema TABLE=FILE.json` options, read and decoded.
        func loadSchemas() throws -> [TableRef: [SchemaField]] {
            var schemas: [TableRef: [SchemaField]] = [:]
            for option in self.schemas {
                guard let equals = option.firstIndex(of: "=") else { throw CLIError("--schema '\(option)': expected TABLE=FILE.json") }
                let name = String(option[..<equals]), file = String(option[option.index(after: equals)...])
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard (2...3).contains(parts.count), !parts.contains("") else {
                    throw CLIError("--schema '\(option)': TABLE must be project.dataset.table or dataset.table")
                }
                let table = parts.count == 3 ? TableRef(project: parts[0], dataset: parts[1], table: parts[2])
                                             : TableRef(project: defaultProject, dataset: parts[0], table: parts[1])
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("--schema: cannot read '\(file)'") }
                guard let fields = (try? ResponseScan(body: [UInt8](data)))?.schema else {
                    throw CLIError("--schema: '\(file)' is not a tables.get answer with a schema (schema.fields)")
                }
                schemas[table] = fields
            }
            return schemas
        }
    }
}
