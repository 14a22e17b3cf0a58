import ArgumentParser
import Foundation
import HrecCollector
import HrecDelivery
import HrecExport
import HrecGate
import HrecJournal
import HrecPolicy
import HrecRecorder

/// The `hrec` command: records AI coding agents' sessions and gates their BigQuery access.
@main
struct Hrec: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hrec",
        abstract: "Record AI coding agents' terminal sessions and gate their BigQuery access.",
        discussion: """
            hrec wraps an agent in a pty and writes everything it does into a compressed, \
            hash-chained, signed journal; a policy gate in front of BigQuery authenticates, \
            classifies, blocks, holds or masks every request on the same timeline.
            """,
        version: version,
        subcommands: [
            RunCommand.self,
            DeliverCommand.self,
            PlayCommand.self,
            GateCommand.self,
            CollectCommand.self,
            VerifyCommand.self,
            CatCommand.self,
            InfoCommand.self,
            LsCommand.self,
            SearchCommand.self,
            ExportCommand.self,
            EvidenceCommand.self,
            PolicyCommand.self,
            ApprovalsCommand.self,
            ApproveCommand.self,
            DenyCommand.self,
            DevCommand.self,
        ]
    )

    /// Runs the command; every error becomes one line on stderr and an exit status, here only.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let error as ExportError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as RecorderError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            if case .cannotRun = error { Foundation.exit(127) }
            Foundation.exit(1)
        } catch let error as PolicyError {
            // One line per problem, each "hrec: FILE:LINE:COLUMN: message", sorted by position.
            FileHandle.standardError.write(Data(error.issues.map { "hrec: \(error.path):\($0)\n" }.joined().utf8))
            Foundation.exit(1)
        } catch let error as CollectorError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as DeliveryError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as GateError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as JournalError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            reportUsage(error)
        }
    }

    /// Argument-parser outcomes: help and version as the parser prints them; a usage error as one
    /// line starting "hrec:" (what the man page promises), naming where to find the usage, exit 64.
    private static func reportUsage(_ error: any Error) -> Never {
        let code = exitCode(for: error)
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard code.rawValue != 0, let first = lines.first, !first.isEmpty else { exit(withError: error) }
        var text = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
        text = text.prefix(1).lowercased() + text.dropFirst()
        FileHandle.standardError.write(Data("hrec: \(text) (see '\(commandPath(CommandLine.arguments.dropFirst())) --help')\n".utf8))
        Foundation.exit(code.rawValue)
    }

    /// "hrec policy check" for `policy check FILE ...`: the command words the arguments start with.
    static func commandPath(_ arguments: ArraySlice<String>) -> String {
        var words = ["hrec"]
        var level: [any ParsableCommand.Type] = configuration.subcommands
        for argument in arguments {
            guard let command = level.first(where: { $0._commandName == argument }) else { break }
            words.append(argument)
            level = command.configuration.subcommands
        }
        return words.joined(separator: " ")
    }
}
