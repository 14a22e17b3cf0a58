import Foundation
import HrecTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hrec run` as a new user meets it: help, missing or unstartable commands, journal paths,
/// the dev identity. Each checks stdout, stderr, the exit status and what is left on disk.
@Suite struct RunCommandTests {
    let directory = Fixtures.temporaryDirectory("hrec-run-cli")

    private var environment: [String: String] {
        ["XDG_DATA_HOME": directory.appendingPathComponent("data").path,
         "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path]
    }

    private var journals: [String] {
        (try? FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".hrec") }) ?? []
    }

    @Test(arguments: [["run", "--help"], ["run", "-h"]])
    func helpPrintsTheUsageOfRunAndRunsNothing(arguments: [String]) throws {
        let result = try HrecBinary.run(arguments, environment: environment)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: hrec run"))
        #expect(result.stdout.contains("--password-prompt"))
        #expect(result.stderr.isEmpty)
        #expect(journals.isEmpty)
    }

    @Test func noCommandIsOneUsageLine() throws {
        let result = try HrecBinary.run(["run"], environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr == "hrec: run: name the command to run after --, e.g. hrec run -- bash\n")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        ("no-such-command-hrec", "hrec: cannot run 'no-such-command-hrec': No such file or directory\n"),
        ("NOT-EXECUTABLE", "hrec: cannot run 'NOT-EXECUTABLE': Permission denied\n"),
        ("/tmp", "hrec: cannot run '/tmp': Is a directory\n"),
    ])
    func aCommandThatCannotStartIsOneErrorAndLeavesNoJournal(command: String, message: String) throws {
        let plain = directory.appendingPathComponent("plain.txt")
        try Data("not a program\n".utf8).write(to: plain)
        let name = command == "NOT-EXECUTABLE" ? plain.path : command
        let result = try HrecBinary.run(["run", "--no-gate", "--", name], environment: environment)
        #expect(result.status == 127)
        #expect(result.stderr == message.replacingOccurrences(of: "NOT-EXECUTABLE", with: plain.path))
        #expect(journals.isEmpty)
    }

    @Test func aJournalInAMissingDirectoryIsRefusedAndNothingIsCreated() throws {
        let missing = directory.appendingPathComponent("nonexistent/dir")
        let result = try HrecBinary.run(["run", "--no-gate", "--journal", missing.appendingPathComponent("x.hrec").path, "--", "true"],
                                        environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr == "hrec: --journal '\(missing.path)/x.hrec': directory '\(missing.path)': No such file or directory\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nonexistent").path))
    }

    @Test func aJournalInAnExistingDirectoryIsWritten() throws {
        let file = directory.appendingPathComponent("here.hrec")
        let result = try HrecBinary.run(["run", "-q", "--no-gate", "--journal", file.path, "--", "true"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    @Test func devIdentityIsTheOSUserEvenWithoutUSER() throws {
        let file = directory.appendingPathComponent("dev.hrec")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["-u", "USER", "-u", "LOGNAME", HrecBinary.url.path, "run", "-q", "--dev-identity",
                             "--journal", file.path, "--", "true"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let cat = try HrecBinary.run(["cat", file.path], environment: environment)
        let header = try #require(cat.stdout.split(separator: "\n").first)
        let object = try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any]
        let identity = (object?["header"] as? [String: Any])?["identity"] as? [String: Any]
            ?? object?["identity"] as? [String: Any]
        let expected = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        #expect(identity?["subject"] as? String == expected, "\(header)")
        #expect(!header.contains("\"unknown\""))
    }

    @Test(arguments: [
        (["info"], "hrec: missing expected argument '<file>' (see 'hrec info --help')\n"),
        (["cat", "a", "b"], "hrec: unexpected argument 'b' (see 'hrec cat --help')\n"),
        (["ls", "--nope"], "hrec: unknown option '--nope' (see 'hrec ls --help')\n"),
        (["policy", "check"], "hrec: missing expected argument '<file>' (see 'hrec policy check --help')\n"),
    ])
    func usageErrorsAreOneLineStartingHrec(arguments: [String], message: String) throws {
        let result = try HrecBinary.run(arguments, environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr == message)
    }
}
