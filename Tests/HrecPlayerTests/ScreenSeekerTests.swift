import CVterm
import Foundation
import HrecJournal
import HrecPlayer
import HrecTestSupport
import Testing

/// Keyframes are exact: the screen reached through any keyframe and replay equals a fresh
/// emulator fed every step from the start, for every attribute of every cell.
@Suite struct ScreenSeekerTests {
    /// Terminal output exercising what full-screen programs do: colours of every kind, cursor
    /// moves, erases, scroll regions, the alternate screen, wide and combining characters, resizes.
    static func terminalRecords(count: Int, seed: UInt64) -> [Record] {
        var random = SplitMix(seed: seed)
        let pieces: [String] = [
            "plain text ", "\r\n", "\u{1b}[1;31mred bold\u{1b}[0m", "\u{1b}[38;5;208m256\u{1b}[39m",
            "\u{1b}[38;2;10;200;30mtrue\u{1b}[48;2;1;2;3mcolour\u{1b}[0m", "\u{1b}[4;7munder rev\u{1b}[24;27m",
            "\u{1b}[H", "\u{1b}[5;10H", "\u{1b}[2J", "\u{1b}[K", "\u{1b}[3;8r", "\u{1b}[r", "\u{1b}[?1049h",
            "\u{1b}[?1049l", "漢字テスト", "e\u{301}", "\u{1b}[2L", "\u{1b}[3M", "\u{1b}[4@", "\u{1b}[2P",
            "\u{1b}[?25l", "\u{1b}[?25h", "\u{1b}7", "\u{1b}8", "\u{1b}(0lqk\u{1b}(B", "\t|", "\u{1b}[10B", "\u{1b}[3S",
            "needle", "\u{1b}[1;1Hneedle here", "progress 42%\r",
        ]
        var records: [Record] = []
        var time: UInt64 = 0
        for _ in 0..<count {
            time += 1 + random.next() % 40_000
            if random.next() % 40 == 0 {
                let size = TerminalSize(columns: UInt16(20 + random.next() % 100), rows: UInt16(5 + random.next() % 30))
                records.append(Record(time: time, body: .resize(size)))
                continue
            }
            var text = ""
            for _ in 0..<(1 + random.next() % 6) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            var bytes = Array(text.utf8)
            if random.next() % 10 == 0, bytes.count > 2 { bytes.removeLast(1) }  // a sequence cut across reads
            records.append(Record(time: time, body: .output(bytes)))
        }
        return records
    }

    static func freshScreen(_ timeline: SessionTimeline, steps: Int) throws -> TerminalScreen {
        let size = timeline.initialSize
        let screen = TerminalScreen(rows: Int(size.rows), columns: Int(size.columns))
        for index in 0..<steps {
            switch try timeline.body(of: index) {
            case let .output(bytes): screen.feed(bytes)
            case let .resize(size): screen.resize(rows: Int(size.rows), columns: Int(size.columns))
            default: break
            }
        }
        return screen
    }

    static func cellsEqual(_ a: HrecCell, _ b: HrecCell) -> Bool {
        a.chars.0 == b.chars.0 && a.chars.1 == b.chars.1 && a.width == b.width && a.attrs == b.attrs && a.fg == b.fg && a.bg == b.bg
    }

    func makeTimeline(count: Int, seed: UInt64) throws -> (SessionTimeline, URL) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seek-\(UUID()).hrec")
        try JournalFactory.write(Self.terminalRecords(count: count, seed: seed), to: url, frameBytes: 4096)
        return (try SessionTimeline(url: url), url)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everySeekMatchesAFreshReplay(seed: UInt64) throws {
        let (timeline, url) = try makeTimeline(count: 600, seed: seed)
        defer { try? FileManager.default.removeItem(at: url) }
        let seeker = ScreenSeeker(timeline: timeline, maximumReplayBytes: 1500, maximumReplayTime: 10)
        seeker.buildAll()
        #expect(seeker.buildProgress.keyframes > 10)
        var random = SplitMix(seed: seed * 7)
        var targets = (0..<60).map { _ in Int(random.next() % UInt64(timeline.steps.count + 1)) }
        targets += [0, timeline.steps.count, timeline.steps.count - 1, 5, 4, 3]
        for target in targets {
            let view = seeker.view(afterSteps: target)
            let fresh = try Self.freshScreen(timeline, steps: target)
            #expect(view.lines == fresh.lines(), "text after \(target) steps")
            #expect(view.rows == fresh.rows && view.columns == fresh.columns)
            #expect(view.cursor == fresh.cursor, "cursor after \(target) steps")
            #expect(view.cursorVisible == fresh.isCursorVisible)
            var row = [HrecCell]()
            for index in 0..<fresh.rows {
                fresh.cells(index, into: &row)
                for column in 0..<fresh.columns where !Self.cellsEqual(view.cells[index * view.columns + column], row[column]) {
                    Issue.record("cell \(index),\(column) differs after \(target) steps: \(view.cells[index * view.columns + column]) vs \(row[column])")
                    return
                }
            }
        }
    }

    @Test func seekingWhileTheBuilderRunsGivesTheSameScreens() throws {
        let (timeline, url) = try makeTimeline(count: 1500, seed: 9)
        defer { try? FileManager.default.removeItem(at: url) }
        let seeker = ScreenSeeker(timeline: timeline, maximumReplayBytes: 2000, maximumReplayTime: 10)
        seeker.startBuilding()
        var random = SplitMix(seed: 4)
        for _ in 0..<40 {
            let target = Int(random.next() % UInt64(timeline.steps.count))
            #expect(seeker.view(afterSteps: target).lines == (try Self.freshScreen(timeline, steps: target)).lines())
        }
        while !seeker.buildProgress.done { usleep(1000) }
    }

    /// How many times `needle` shows on the screen, row by row, the way a person would count.
    static func occurrences(_ needle: String, _ screen: TerminalScreen) -> Int {
        screen.lines().reduce(0) { $0 + $1.lowercased().components(separatedBy: needle).count - 1 }
    }

    @Test func searchFindsTheMomentTextAppears() throws {
        let (timeline, url) = try makeTimeline(count: 300, seed: 5)
        defer { try? FileManager.default.removeItem(at: url) }
        let seeker = ScreenSeeker(timeline: timeline, maximumReplayBytes: 1000, maximumReplayTime: 10)
        // Brute force: the step counts where the count of occurrences goes up.
        var counts: [Int] = []
        for steps in 0...timeline.steps.count { counts.append(Self.occurrences("needle", try Self.freshScreen(timeline, steps: steps))) }
        let appearances = counts.indices.dropFirst().filter { counts[$0] > counts[$0 - 1] }
        #expect(appearances.count > 3)
        var position = 0
        for expected in appearances {
            let found = seeker.search("needle", from: position, forward: true)
            #expect(found == expected)
            position = found ?? timeline.steps.count
        }
        #expect(seeker.search("needle", from: position, forward: true) == nil)
        for expected in appearances.reversed().dropFirst() {
            let found = seeker.search("Needle".lowercased(), from: position, forward: false)
            #expect(found == expected)
            position = found ?? 0
        }
        #expect(seeker.search("needle", from: position, forward: false) == nil)
        #expect(seeker.search("NEEDLE", from: 0, forward: true) == nil, "an upper-case letter makes the search case-sensitive")
    }

    @Test func aStateDoesNotRestoreIntoAnotherScreen() {
        let one = TerminalScreen(rows: 5, columns: 10), two = TerminalScreen(rows: 5, columns: 10)
        one.feed(Array("hello".utf8))
        #expect(!two.restoreState(one.saveState()))
        #expect(!two.restoreState([1, 2, 3]))
        #expect(two.lines().allSatisfy { $0.isEmpty })
        let saved = one.saveState()
        one.feed(Array(" world".utf8))
        #expect(one.restoreState(saved))
        #expect(one.lines()[0] == "hello")
    }
}
