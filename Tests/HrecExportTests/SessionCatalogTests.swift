import Foundation
import HrecExport
import HrecJournal
import HrecTestSupport
import Testing

@Suite struct SessionCatalogTests {
    /// A filter and the fixture sessions it must return, in start order.
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var expected: [String]
        var build: @Sendable () throws -> CatalogFilter
    }

    static let cases: [Case] = [
        Case(description: "no filter", expected: ["alice-sales", "bob-denied", "carol-exit3"]) { CatalogFilter() },
        Case(description: "user by email", expected: ["bob-denied"]) { var f = CatalogFilter(); f.user = "bob@example.com"; return f },
        Case(description: "user by login", expected: ["carol-exit3"]) { var f = CatalogFilter(); f.user = "carol"; return f },
        Case(description: "since", expected: ["bob-denied", "carol-exit3"]) {
            var f = CatalogFilter(); f.since = try CatalogFilter.parseDate("2025-11-23", option: "--since"); return f
        },
        Case(description: "since and until", expected: ["bob-denied"]) {
            var f = CatalogFilter()
            f.since = try CatalogFilter.parseDate("2025-11-23", option: "--since")
            f.until = try CatalogFilter.parseDate("2025-11-23T23:59:59Z", option: "--until")
            return f
        },
        Case(description: "command regex", expected: ["alice-sales"]) { var f = CatalogFilter(); f.commandPattern = "^sqlite3 .*orders"; return f },
        Case(description: "table glob", expected: ["bob-denied"]) { var f = CatalogFilter(); f.tableGlob = "hr.*"; return f },
        Case(description: "decision deny", expected: ["bob-denied"]) { var f = CatalogFilter(); f.decision = "deny"; return f },
        Case(description: "decision allow", expected: ["alice-sales", "bob-denied"]) { var f = CatalogFilter(); f.decision = "allow"; return f },
        Case(description: "masked", expected: ["alice-sales"]) { var f = CatalogFilter(); f.maskedOnly = true; return f },
        Case(description: "exit 3", expected: ["carol-exit3"]) { var f = CatalogFilter(); f.exitStatus = 3; return f },
        Case(description: "exit 0 and deny", expected: ["bob-denied"]) {
            var f = CatalogFilter(); f.exitStatus = 0; f.decision = "deny"; return f
        },
        Case(description: "nothing matches", expected: []) { var f = CatalogFilter(); f.user = "mallory"; return f },
    ]

    static func names(_ sessions: [SessionSummary]) -> [String] {
        sessions.map { URL(fileURLWithPath: $0.path).deletingPathExtension().lastPathComponent.replacingOccurrences(of: "export-", with: "") }
    }

    @Test(arguments: cases)
    func filters(_ testCase: Case) throws {
        let directory = try FixtureJournals.copy("catalog")
        let catalog = try SessionCatalog(url: directory.appendingPathComponent("index.sqlite"))
        _ = try catalog.refresh(try JournalFiles.find(in: [directory]))
        #expect(Self.names(try catalog.sessions(matching: try testCase.build())) == testCase.expected)
    }

    @Test func summaryFields() throws {
        let directory = try FixtureJournals.copy("catalog")
        let catalog = try SessionCatalog(url: directory.appendingPathComponent("index.sqlite"))
        _ = try catalog.refresh(try JournalFiles.find(in: [directory]))
        let alice = try #require(try catalog.sessions().first)
        #expect(alice.user == "alice@example.com")
        #expect(alice.tables == ["sales.orders"])
        #expect(alice.decisions == ["allow"])
        #expect(alice.exitStatus == 0)
        #expect(alice.command.hasPrefix("sqlite3 -box shop.db SELECT"))
    }

    @Test func refreshIsIncrementalAndIndexRebuilds() throws {
        let directory = try FixtureJournals.copy("incremental")
        let indexURL = directory.appendingPathComponent("index.sqlite")
        var journals = try JournalFiles.find(in: [directory])
        var stats = try SessionCatalog(url: indexURL).refresh(journals)
        #expect(stats.read == 3 && stats.unchanged == 0)
        stats = try SessionCatalog(url: indexURL).refresh(journals)
        #expect(stats.read == 0 && stats.unchanged == 3)

        // A journal removed from disk leaves the index; a new one is read alone.
        try FileManager.default.removeItem(at: journals[2])
        let extra = directory.appendingPathComponent("sub/extra.hrec")
        try FileManager.default.createDirectory(at: extra.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JournalFactory.write([Record(time: 5, body: .output(Array("hello\n".utf8)))], to: extra)
        journals = try JournalFiles.find(in: [directory])
        stats = try SessionCatalog(url: indexURL).refresh(journals)
        #expect(stats.read == 1 && stats.unchanged == 2 && stats.removed == 1)

        // A deleted index is rebuilt with the same content.
        let before = try SessionCatalog(url: indexURL).sessions()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexURL.path + suffix) }
        let rebuilt = try SessionCatalog(url: indexURL)
        stats = try rebuilt.refresh(journals)
        #expect(stats.read == 3)
        #expect(try rebuilt.sessions() == before)
    }

    @Test func unreadableJournalIsReportedNotFatal() throws {
        let directory = try FixtureJournals.copy("unreadable")
        try Data("not a journal".utf8).write(to: directory.appendingPathComponent("junk.hrec"))
        let catalog = try SessionCatalog(url: directory.appendingPathComponent("index.sqlite"))
        let stats = try catalog.refresh(try JournalFiles.find(in: [directory]))
        #expect(stats.unreadable.count == 1)
        #expect(try catalog.sessions().count == 3)
        #expect(try catalog.unreadable().first?.path.hasSuffix("junk.hrec") == true)
    }

    @Test func searchFindsSQLAndScreenTextAtTheirTimes() throws {
        let directory = try FixtureJournals.copy("search")
        let catalog = try SessionCatalog(url: directory.appendingPathComponent("index.sqlite"))
        _ = try catalog.refresh(try JournalFiles.find(in: [directory]))

        let (_, bobRecords, _) = try FixtureJournals.records(capture: "bob-denied")
        let deleteTime = try #require(bobRecords.first { record in
            if case let .event(event) = record.body { return String(decoding: event.json, as: UTF8.self).contains("DELETE FROM hr.salaries") }
            return false
        }?.time)
        let sqlHits = try catalog.search("delete from HR.SALARIES", sources: [.sql])
        #expect(sqlHits.map(\.time) == [deleteTime])
        #expect(sqlHits.first?.session.user == "bob@example.com")

        let (_, aliceRecords, _) = try FixtureJournals.records(capture: "alice-sales")
        let screenTime = try #require(aliceRecords.first { record in
            if case let .output(bytes) = record.body { return String(decoding: bytes, as: UTF8.self).contains("Zoë Müller") }
            return false
        }?.time)
        let screenHits = try catalog.search("Zoë Müller", sources: [.screen])
        #expect(screenHits.count == 1)
        #expect(screenHits.first?.time == screenTime)
        #expect(screenHits.first?.text.contains("12.5") == true)
        #expect(try catalog.search("no such text anywhere").isEmpty)
    }
}
