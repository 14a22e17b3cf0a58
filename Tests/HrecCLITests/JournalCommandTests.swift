import Foundation
import HrecTestSupport
import Testing

/// `hrec verify`, `cat` and `info` as a person runs them: stdout, stderr and exit status.
@Suite struct JournalCommandTests {
    let journals = Fixtures.url("journals")
    var key: String { journals.appendingPathComponent("fixture-signer.key.pub").path }

    @Test(arguments: [
        ("journal-ok.hrec", Int32(0), "OK"),
        ("journal-no-end-record.hrec", 2, "TRUNCATED at frame 5"),
        ("journal-modified-frame.hrec", 1, "MODIFIED at frame 1 at byte 696"),
        ("journal-unknown-signer.hrec", 1, "UNKNOWN SIGNER"),
    ])
    func verifyReportsEachJournal(name: String, status: Int32, text: String) throws {
        let result = try HrecBinary.run(["verify", "--trust", key, journals.appendingPathComponent(name).path])
        #expect(result.status == status)
        #expect(result.stdout.contains(text), "\(result.stdout)")
    }

    @Test func verifyOfSeveralFilesExitsWithTheWorstStatus() throws {
        let result = try HrecBinary.run(["verify", "--trust", key] + ["journal-ok.hrec", "journal-no-end-record.hrec", "journal-missing-frame.hrec"]
            .map { journals.appendingPathComponent($0).path })
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").filter { $0.hasPrefix("/") }.count == 3)
    }

    @Test func catPrintsEveryRecordAsOneJSONObjectPerLine() throws {
        let result = try HrecBinary.run(["cat", journals.appendingPathComponent("journal-ok.hrec").path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 48)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.first?["kind"] as? String == "header")
        #expect(objects.last?["kind"] as? String == "end")
        let output = objects.first { $0["kind"] as? String == "output" }
        #expect(output?["data"] as? String == Data("hello\r\n".utf8).base64EncodedString())
        #expect(output?["text"] as? String == "hello\\r\\n")
        #expect(objects.map { $0["n"] as? Int } == (0..<48).map { $0 })
    }

    @Test func catOfATruncatedJournalPrintsWhatIsThereAndSaysItIsTruncated() throws {
        let result = try HrecBinary.run(["cat", journals.appendingPathComponent("journal-truncated-mid-frame.hrec").path])
        #expect(result.status == 2)
        #expect(result.stdout.split(separator: "\n").count == 13)
        #expect(result.stderr == "hrec: journal '\(journals.appendingPathComponent("journal-truncated-mid-frame.hrec").path)' is truncated "
                + "at frame 2 at byte 1106: the file ends inside frame 2; printed the 2 intact frames before it\n")
    }

    @Test func infoSummarizesTheSession() throws {
        let result = try HrecBinary.run(["info", "--trust", key, journals.appendingPathComponent("journal-ok.hrec").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("00112233445566778899aabbccddeeff"))
        #expect(result.stdout.contains("tester@testhost as alice@example.com"))
        #expect(result.stdout.contains("output 41, input 1"))
        #expect(result.stdout.contains("integrity  intact"))
    }

    @Test(arguments: [["cat", "/nonexistent.hrec"], ["info", "/nonexistent.hrec"]])
    func aMissingFileIsAClearErrorNotACrash(arguments: [String]) throws {
        let result = try HrecBinary.run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr == "hrec: cannot read journal '/nonexistent.hrec': No such file or directory\n")
    }

    @Test func notAJournalIsAClearError() throws {
        let result = try HrecBinary.run(["cat", Fixtures.packageRoot.appendingPathComponent("README.md").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is malformed at byte 0: not an hrec journal"))
    }
}
