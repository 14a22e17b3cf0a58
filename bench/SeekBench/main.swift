// Seek benchmark (issue 7): open time, keyframe build, seek latency percentiles and peak memory
// of the player's seeker on a large agent-like session, next to the naive seek (a fresh emulator
// fed from the start, what a player without keyframes must do) measured in the same run.
//
//   hrec-seek-bench [MiB] [--size ROWSxCOLS] [--journal PATH] [--keep]
import Foundation
import HrecJournal
import HrecPlayer

struct Arguments {
    var mebibytes = 100
    var rows = 50, columns = 200
    var journal: String?
    var keep = false

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--size":
                let parts = (iterator.next() ?? "").split(separator: "x").compactMap { Int($0) }
                if parts.count == 2 { (rows, columns) = (parts[0], parts[1]) }
            case "--journal": journal = iterator.next()
            case "--keep": keep = true
            default: mebibytes = Int(argument) ?? mebibytes
            }
        }
    }
}

/// Terminal output like an agent's: coloured log lines scrolling, progress bars redrawn with \r,
/// now and then a full-screen redraw in the alternate screen, some wide characters.
struct AgentOutput {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let rows: Int, columns: Int

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chunk(_ index: Int) -> [UInt8] {
        var text = ""
        let target = 1024 + Int(next() % 7168)
        while text.utf8.count < target {
            switch next() % 20 {
            case 0:
                text += "\u{1b}[?1049h\u{1b}[H\u{1b}[2J"
                for row in 1...rows where row % 2 == 1 {
                    text += "\u{1b}[\(row);1H\u{1b}[38;5;\(next() % 256)m│ panel \(index) row \(row) \u{1b}[0m 状態 ok"
                }
                text += "\u{1b}[?1049l"
            case 1, 2:
                for percent in stride(from: 0, through: 100, by: 10) {
                    text += "\r\u{1b}[K\u{1b}[32mbuilding [\(String(repeating: "#", count: percent / 10))\(String(repeating: " ", count: 10 - percent / 10))] \(percent)%\u{1b}[0m"
                }
                text += "\r\n"
            default:
                let width = 20 + Int(next() % UInt64(max(columns - 30, 10)))
                text += "\u{1b}[38;2;\(next() % 256);\(next() % 256);\(next() % 256)m\(index):\u{1b}[0m "
                text += "\u{1b}[1mINFO\u{1b}[0m " + String(repeating: "abcdefghij", count: width / 10 + 1).prefix(width) + "\r\n"
            }
        }
        return Array(text.utf8)
    }
}

func generate(_ arguments: Arguments, to url: URL) throws {
    let header = SessionHeader(sessionID: SessionID(), startedAtMicros: Int64(Date().timeIntervalSince1970 * 1e6), host: "bench",
                               osUser: "bench", identity: nil, command: ["agent"], cwd: "/", term: "xterm-256color",
                               size: TerminalSize(columns: UInt16(arguments.columns), rows: UInt16(arguments.rows)),
                               environment: [:], hrecVersion: "bench")
    let writer = try JournalWriter(url: url, header: header, signer: JournalSigner())
    var output = AgentOutput(rows: arguments.rows, columns: arguments.columns)
    var time: UInt64 = 0, written = 0, index = 0
    while written < arguments.mebibytes << 20 {
        let bytes = output.chunk(index)
        time += 2_000 + output.next() % 20_000
        try writer.append(Record(time: time, body: .output(bytes)))
        written += bytes.count
        index += 1
    }
    _ = try writer.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: header.startedAtMicros + Int64(time)), at: time + 1)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func ms(_ value: Double) -> String { String(format: "%8.1f ms", value * 1000) }

let arguments = Arguments()
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hrec-seek-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let url = arguments.journal.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("session.hrec")
if !FileManager.default.fileExists(atPath: url.path) {
    let took = try seconds { try generate(arguments, to: url) }
    print(String(format: "generated %@ in %.1f s", url.path, took))
}
defer { if !arguments.keep && arguments.journal == nil { try? FileManager.default.removeItem(at: directory) } }

var timeline: SessionTimeline!
var seeker: ScreenSeeker!
let rssBefore = peakRSSMegabytes()
let openTime = try seconds {
    timeline = try SessionTimeline(url: url)
    seeker = ScreenSeeker(timeline: timeline)
    _ = seeker.view(afterSteps: 0)
}
let size = timeline.initialSize
let fileBytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
print(String(format: "session: %.1f MiB of output in %d steps, %dx%d, journal %.1f MiB, %.0f s long",
             Double(timeline.outputBytes) / 1_048_576, timeline.steps.count, size.rows, size.columns,
             Double(fileBytes) / 1_048_576, Double(timeline.duration) / 1e6))

// Before any keyframe: the first seek to the end replays everything (the builder's work).
let coldEnd = seconds { _ = seeker.view(afterSteps: timeline.steps.count) }
seeker = nil  // the player has one seeker: measure the build on a new one alone
let fresh = ScreenSeeker(timeline: timeline)
let buildTime = seconds { fresh.buildAll() }
seeker = fresh

var generator = AgentOutput(rows: 1, columns: 1)
let targets = (0..<200).map { _ in Int(generator.next() % UInt64(timeline.steps.count + 1)) }
var latencies = targets.map { target in seconds { _ = seeker.view(afterSteps: target) } }.sorted()

// The peer: a fresh emulator fed from the start (no keyframes), for a few targets.
var naive: [Double] = []
for target in targets.prefix(8) {
    naive.append(try seconds {
        let screen = TerminalScreen(rows: Int(size.rows), columns: Int(size.columns))
        for index in 0..<target {
            switch try timeline.body(of: index) {
            case let .output(bytes): screen.feed(bytes)
            case let .resize(size): screen.resize(rows: Int(size.rows), columns: Int(size.columns))
            default: break
            }
        }
    })
}
naive.sort()
let progress = seeker.buildProgress

print("")
print("                                  hrec (keyframes)   naive replay (same run)")
print("open (index + first screen)     \(ms(openTime))")
print("keyframes: build, whole session \(ms(buildTime))   (\(progress.keyframes) keyframes, \(String(format: "%.1f", Double(seeker.keyframeBytes) / 1_048_576)) MiB compressed)")
print("first seek to the end, cold     \(ms(coldEnd))")
print("seek p50  (200 random targets)  \(ms(percentile(latencies, 0.5)))        \(ms(percentile(naive, 0.5))) (8 targets)")
print("seek p90                        \(ms(percentile(latencies, 0.9)))")
print("seek p99                        \(ms(percentile(latencies, 0.99)))")
print("seek max                        \(ms(latencies.last!))        \(ms(naive.last!))")
print(String(format: "peak RSS                        %8.1f MB   (%.1f MB before opening)", peakRSSMegabytes(), rssBefore))
print("goal: any seek in a 100 MiB session in at most 50 ms")
