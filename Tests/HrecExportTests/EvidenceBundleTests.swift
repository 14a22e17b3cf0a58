import Foundation
@testable import HrecExport
import HrecJournal
import HrecTestSupport
import Testing

@Suite struct EvidenceBundleTests {
    /// Flips one byte in the middle of the last frame's data.
    static func tamper(_ url: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        let reader = try JournalReader(url: url)
        let frame = try #require(reader.frames.last)
        bytes[Int(frame.offset) + Int(frame.compressedLength) / 2 + 100] ^= 0x40
        try Data(bytes).write(to: url)
    }

    @Test func tamperedJournalIsListedAsFailedAndManifestIsSigned() throws {
        let directory = try FixtureJournals.copy("evidence")
        let tampered = directory.appendingPathComponent("export-bob-denied.hrec")
        try Self.tamper(tampered)
        let out = directory.appendingPathComponent("bundle")
        let keyURL = directory.appendingPathComponent("key/signing-key")
        let bundle = EvidenceBundle(journals: try JournalFiles.find(in: [directory]), since: nil, until: nil,
                                    trust: try FixtureJournals.trust)
        try bundle.write(to: out, signer: try ManifestSigner(keyURL: keyURL))

        #expect(bundle.entries.count == 3)
        #expect(bundle.failed.map(\.path) == [tampered.path])
        let verification = try String(contentsOf: out.appendingPathComponent("verification.txt"), encoding: .utf8)
        #expect(verification.contains("FAILED (modified)  \(tampered.path)"))
        #expect(verification.contains("OK  \(directory.appendingPathComponent("export-alice-sales.hrec").path)"))
        let sessions = CSVParser.rows(try String(contentsOf: out.appendingPathComponent("sessions.csv"), encoding: .utf8))
        #expect(sessions.count == 4)
        #expect(sessions.contains { $0[1] == tampered.path && $0[13] == "FAILED (modified)" })

        for name in EvidenceBundle.files {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("Approved by whom?"))

        // The manifest names every file with its digest, and the signature holds until it changes.
        let manifest = try String(contentsOf: out.appendingPathComponent("MANIFEST.sha256"), encoding: .utf8)
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            let file = String(parts[1].dropFirst())
            #expect(ManifestSigner.sha256(try Data(contentsOf: out.appendingPathComponent(file))) == String(parts[0]))
        }
        #expect(EvidenceBundle.signatureIsValid(in: out))
        try Data((manifest + "0000  extra\n").utf8).write(to: out.appendingPathComponent("MANIFEST.sha256"))
        #expect(!EvidenceBundle.signatureIsValid(in: out))
    }

    @Test func periodSelectsSessions() throws {
        let directory = try FixtureJournals.copy("period")
        let since = try CatalogFilter.parseDate("2025-11-23", option: "--since")
        let until = try CatalogFilter.parseDate("2025-11-24", option: "--until")
        let bundle = EvidenceBundle(journals: try JournalFiles.find(in: [directory]), since: since, until: until,
                                    trust: try FixtureJournals.trust)
        #expect(bundle.entries.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["export-bob-denied.hrec"])
        let tables = EvidenceTables(entries: bundle.entries)
        #expect(CSVParser.rows(tables.denials.text).count == 2)
        #expect(CSVParser.rows(tables.approvals.text).dropFirst().map { $0[3] } == ["carol@example.com"])
        #expect(CSVParser.rows(tables.masking.text).count == 1)
    }
}
