import ArgumentParser
import Foundation
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
            PlayCommand.self,
            GateCommand.self,
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
            FileHandle.standardError.write(Data("hrec: policy '\(error.path)' has \(error.issues.count) problem(s):\n\(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as GateError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as JournalError {
            FileHandle.standardError.write(Data("hrec: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
