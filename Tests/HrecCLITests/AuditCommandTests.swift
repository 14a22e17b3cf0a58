import Foundation
import HrecJournal
import HrecTestSupport
import Testing

/// The auditor's commands on damaged, missing and odd inputs, and their small promises: one
/// rule for journals that are not whole, private index files, table globs, times, evidence.
@Suite struct AuditCommandTests {
    let journals = Fixtures.url("journals")
    let directory = Fixtures.temporaryDirectory("hrec-audit-cli")

    private var environment: [String: String] {
        ["XDG_DATA_HOME": directory.appendingPathComponent("data").path,
         "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
         "XDG_CACHE_HOME": directory.appendingPathComponent("cache").path]
    }

    private func fixture(_ name: String) -> String { journals.appendingPathComponent(name).path }

    @Test(arguments: [["cat"], ["info"], ["export", "--format", "jsonl"]])
    func aDamagedJournalGivesItsIntactPrefixAWarningAndStatus1(command: [String]) throws {
        let path = fixture("journal-modified-frame.hrec")
        let result = try HrecBinary.run(command + [path], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("hrec: journal '\(path)' is damaged: MODIFIED at frame 1 at byte 696: "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("the 1 intact frame before it\n"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stdout.isEmpty)
        if command == ["info"] { #expect(result.stdout.contains("session    00112233445566778899aabbccddeeff")) }
        if command != ["info"] { #expect(result.stdout.contains("\"kind\":\"header\"")) }
    }

    @Test(arguments: [["cat"], ["info"], ["export", "--format", "jsonl"]])
    func aTruncatedJournalGivesWhatIsCompleteAndStatus2(command: [String]) throws {
        let path = fixture("journal-truncated-mid-frame.hrec")
        let result = try HrecBinary.run(command + [path], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("hrec: journal '\(path)' is truncated at "), "\(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }

    @Test(arguments: [["cat"], ["info"], ["export"], ["play", "--screen"], ["verify"]])
    func aDirectoryIsNotAJournalAndSaysSo(command: [String]) throws {
        let result = try HrecBinary.run(command + [directory.path], environment: environment)
        #expect(result.status == 1)
        #expect((result.stdout + result.stderr).lowercased().contains("is a directory"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).lowercased().contains("permission denied"))
    }

    @Test func playOfAMissingFileDoesNotSuggestForce() throws {
        let result = try HrecBinary.run(["play", "--screen", "missing.hrec"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr == "hrec: cannot read journal 'missing.hrec': No such file or directory\n")
    }

    @Test func exportAndEvidenceNameTheProblemOnce() throws {
        let path = fixture("journal-modified-frame.hrec")
        let export = try HrecBinary.run(["export", "--format", "csv", path], environment: environment)
        #expect(!export.stderr.contains("journal '\(path)': journal"))
        let sessions = directory.appendingPathComponent("sessions")
        try FileManager.default.createDirectory(at: sessions, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: sessions.appendingPathComponent("bad.hrec").path)
        let evidence = try HrecBinary.run(["evidence", "--out", directory.appendingPathComponent("bundle").path, sessions.path],
                                          environment: environment)
        #expect(evidence.status == 3)
        let line = try #require(evidence.stderr.split(separator: "\n").first { $0.contains("bad.hrec") })
        #expect(line.hasPrefix("hrec: FAILED \(sessions.path)/bad.hrec: modified at byte 696: "), "\(line)")
        #expect(line.components(separatedBy: "FAILED").count == 2)
    }

    @Test func theSessionIndexIsPrivate() throws {
        let cache = directory.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache.appendingPathComponent("hrec"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let result = try HrecBinary.run(["ls", journals.path], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let index = cache.appendingPathComponent("hrec/catalog.sqlite").path
        let mode = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        #expect(try mode(index) == 0o600)
        #expect(try mode(cache.appendingPathComponent("hrec").path) == 0o700)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: index + suffix) {
            #expect(try mode(index + suffix) & 0o077 == 0)
        }
    }

    @Test func tableGlobsMatchWithAndWithoutTheProject() throws {
        let sessions = directory.appendingPathComponent("gate-sessions")
        try FileManager.default.createDirectory(at: sessions, withIntermediateDirectories: true)
        let request = try JournalEvent(type: "gate.request", payload: ["endpoint": "jobs.insert", "sql": "SELECT 1",
                                                                        "tables": "test-proj.shop.customers"])
        let prompt = PromptEvent(text: "list the customers").journalEvent
        try JournalFactory.write([Record(time: 10, body: .event(prompt)), Record(time: 20, body: .event(request))],
                                 to: sessions.appendingPathComponent("one.hrec"))
        for (glob, found) in [("shop.*", true), ("test-proj.shop.*", true), ("*.shop.customers", true), ("sales.*", false)] {
            let result = try HrecBinary.run(["ls", "--json", "--table", glob, sessions.path], environment: environment)
            #expect(result.status == 0)
            #expect(result.stdout.contains("one.hrec") == found, "\(glob): \(result.stdout)")
        }
        let listed = try HrecBinary.run(["ls", "--json", sessions.path], environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        #expect(object?["prompts"] as? Int == 1)
        #expect(object?["path"] as? String == sessions.appendingPathComponent("one.hrec").path)
        let search = try HrecBinary.run(["search", "customers", "--in", "prompt", sessions.path], environment: environment)
        #expect(search.status == 0)
        #expect(search.stdout.contains("prompt  list the customers"), "\(search.stdout)")
    }

    @Test func searchShowsTheInstantItsReplayCommandUses() throws {
        let result = try HrecBinary.run(["search", "hello", journals.appendingPathComponent("journal-ok.hrec").path],
                                        environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        for (hit, replay) in zip(stride(from: 0, to: lines.count, by: 2).map { lines[$0] }, stride(from: 1, to: lines.count, by: 2).map { lines[$0] }) {
            let shown = hit.split(separator: " ", omittingEmptySubsequences: true)[1]
            #expect(replay.hasSuffix("--at \(shown)"), "\(hit) / \(replay)")
        }
    }

    @Test(arguments: [
        ("1:99", "hrec: --at takes a time such as 90, 1m30s or 1:30 (seconds below 60), not '1:99'"),
        ("-5", "hrec: --at counts from the start of the session and cannot be negative: '-5'"),
        ("1:2:3:4", "hrec: --at takes a time such as 90, 1m30s or 1:30 (seconds below 60), not '1:2:3:4'"),
    ])
    func badTimesAreRefusedClearly(time: String, message: String) throws {
        let result = try HrecBinary.run(["play", "--screen", "--at", time, fixture("journal-ok.hrec")], environment: environment)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func goodColonTimesStillWork() throws {
        let result = try HrecBinary.run(["play", "--screen", "--any-signer", "--at", "0:00.5", fixture("journal-ok.hrec")], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func evidenceRefusesAnEmptyPeriodAndAnExistingBundle() throws {
        let out = directory.appendingPathComponent("bundle")
        let reversed = try HrecBinary.run(["evidence", "--since", "2026-11-30", "--until", "2026-11-01", "--out", out.path, journals.path],
                                          environment: environment)
        #expect(reversed.status == 1)
        #expect(reversed.stderr == "hrec: --since 2026-11-30 is not before --until 2026-11-01: the period is empty\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep me\n".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let existing = try HrecBinary.run(["evidence", "--out", out.path, journals.path], environment: environment)
        #expect(existing.status == 1)
        #expect(existing.stderr.hasPrefix("hrec: --out '\(out.path)' already exists and is not empty"))
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me\n")
    }

    @Test func theBundleSignatureChecksWithTheDocumentedCommand() throws {
        let out = directory.appendingPathComponent("signed")
        let sessions = directory.appendingPathComponent("ok")
        try FileManager.default.createDirectory(at: sessions, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("journal-ok.hrec"), toPath: sessions.appendingPathComponent("ok.hrec").path)
        let result = try HrecBinary.run(["evidence", "--out", out.path, sessions.path], environment: environment)
        #expect(result.status == 3 || result.status == 0, "\(result.stderr)")
        let help = try HrecBinary.run(["evidence", "--help"], environment: environment)
        #expect(help.stdout.contains("openssl pkeyutl -verify -pubin -inkey signer.pem -rawin\n"), "\(help.stdout)")
        #expect(help.stdout.contains("-in MANIFEST.sha256 -sigfile /tmp/manifest.sig"))
        let check = { () throws -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "sha256sum --quiet -c MANIFEST.sha256 && base64 -d MANIFEST.sha256.sig > sig.bin && "
                                 + "openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in MANIFEST.sha256 -sigfile sig.bin"]
            process.currentDirectoryURL = out
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try check() == 0)
        // Change the manifest (and nothing else can be hidden): the signature check fails.
        let manifest = out.appendingPathComponent("MANIFEST.sha256")
        try Data((try String(contentsOf: manifest, encoding: .utf8)).replacingOccurrences(of: "  ", with: " *").utf8).write(to: manifest)
        #expect(try check() != 0)
    }

    @Test func verifyJSONDoesNotEscapeSlashes() throws {
        let result = try HrecBinary.run(["verify", "--json", "--any-signer", fixture("journal-ok.hrec")], environment: environment)
        #expect(result.stdout.contains("\"path\":\"\(fixture("journal-ok.hrec"))\""), "\(result.stdout)")
        #expect(!result.stdout.contains("\\/"))
    }
}
