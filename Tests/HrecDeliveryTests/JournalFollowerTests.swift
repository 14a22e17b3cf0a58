import Foundation
import HrecJournal
import HrecTestSupport
import Testing

/// The follower cuts a growing file into the collector's parts: never a partial unit, and the
/// parts put together give back the file byte for byte.
@Suite struct JournalFollowerTests {
    let directory = Fixtures.temporaryDirectory("follower")

    /// A closed journal of several frames, and its bytes.
    func journal(records: Int = 300, frameBytes: Int = 4096) throws -> [UInt8] {
        let url = directory.appendingPathComponent("source-\(records)-\(frameBytes).hrec")
        try JournalFactory.write(try JournalFactory.mixedRecords(count: records), to: url, frameBytes: frameBytes)
        return [UInt8](try Data(contentsOf: url))
    }

    @Test(arguments: [1, 7, 157, 1000, 65536])
    func growingFileGivesBackEveryPartExactly(chunk: Int) throws {
        let source = try journal()
        let path = directory.appendingPathComponent("growing-\(chunk).hrec").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let follower = try JournalFollower(path: path)
        var written = 0
        while written < source.count {
            let next = min(source.count, written + chunk)
            handle.write(Data(source[written..<next]))
            written = next
            try follower.poll()
            // Only complete units: each one ends at or before what is written.
            for unit in follower.units { #expect(unit.offset + UInt64(unit.length) <= UInt64(written)) }
            #expect(follower.problem == nil)
        }
        try handle.close()
        try follower.poll()
        #expect(follower.isComplete)
        #expect(follower.units.map(\.index) == Array(0..<UInt64(follower.units.count)))
        #expect(follower.units.last?.isFinal == true)
        #expect(follower.units.dropLast().allSatisfy { !$0.isFinal })
        var rebuilt = try #require(follower.preamble)
        for unit in follower.units { rebuilt += try follower.bytes(of: unit) }
        rebuilt += try #require(follower.index)
        #expect(rebuilt == source)
        #expect(follower.units.count > 5)
    }

    @Test func aBacklogLargerThanOneReadComesInPieces() throws {
        var random = SplitMix(seed: 7)
        let records = (0..<100).map { index in
            Record(time: UInt64(index + 1), body: .output((0..<65536).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        }
        let url = directory.appendingPathComponent("backlog.hrec")
        try JournalFactory.write(records, to: url)
        let source = [UInt8](try Data(contentsOf: url))
        #expect(source.count > 6 << 20)
        let follower = try JournalFollower(path: url.path)
        var polls = 0
        while try follower.poll() { polls += 1 }
        #expect(polls > 1)
        #expect(follower.isComplete)
        var rebuilt = try #require(follower.preamble)
        for unit in follower.units { rebuilt += try follower.bytes(of: unit) }
        #expect(rebuilt + (try #require(follower.index)) == source)
    }

    @Test func chainHashesAreTheVerifiedOnes() throws {
        let source = try journal(records: 120, frameBytes: 2048)
        let url = directory.appendingPathComponent("chain.hrec")
        try Data(source).write(to: url)
        let follower = try JournalFollower(path: url.path)
        try follower.poll()
        let report = JournalVerifier.verify(path: url.path, trust: JournalTrust(anySigner: true))
        #expect(Hex.encode(try #require(follower.units.last).chainHash) == report.chainHead)
    }

    @Test func aCutJournalYieldsItsCompleteUnitsOnly() throws {
        let source = try journal()
        let follower = try followerOf(Array(source.prefix(source.count / 2)), name: "cut")
        #expect(!follower.isComplete)
        #expect(follower.problem == nil)
        let last = try #require(follower.units.last)
        #expect(last.offset + UInt64(last.length) <= UInt64(source.count / 2))
    }

    @Test func garbageAfterAFrameIsAProblemNotAUnit() throws {
        let source = try journal()
        let whole = try followerOf(source, name: "whole")
        let third = whole.units[2]
        let end = Int(third.offset) + third.length
        let follower = try followerOf(Array(source.prefix(end)) + Array(repeating: 0x41, count: 600), name: "garbage")
        let problem = try #require(follower.problem)
        #expect(problem.contains("garbage.hrec"))
        #expect(problem.contains("byte \(end)"))
        #expect(follower.units.count == 3)
    }

    @Test func notAJournalIsAProblem() throws {
        let follower = try followerOf(Array("this is not a journal, it is a plain text file of some length....".utf8) + Array(repeating: 0x20, count: 80),
                                      name: "text")
        #expect(follower.problem?.contains("not an hrec journal") == true)
        #expect(follower.units.isEmpty)
    }

    private func followerOf(_ bytes: [UInt8], name: String) throws -> JournalFollower {
        let url = directory.appendingPathComponent("\(name).hrec")
        try Data(bytes).write(to: url)
        let follower = try JournalFollower(path: url.path)
        try follower.poll()
        return follower
    }
}
