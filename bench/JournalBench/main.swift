// Journal write/verify benchmark: writes ~100 MiB of agent-like output records through the
// journal writer (compression, hash chain and signatures on), verifies it, and runs `zstd -3`
// and `zstd -d` on the same bytes in the same run for comparison.
//
//   swift build -c release --product hrec-journal-bench && .build/release/hrec-journal-bench [MiB]
import Foundation
import HrecJournal

let mebibytes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100 : 100
let level = CommandLine.arguments.count > 2 ? Int32(CommandLine.arguments[2]) ?? JournalFormat.defaultCompressionLevel : JournalFormat.defaultCompressionLevel
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hrec-journal-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

var generator = AgentOutput(seed: 42)
let chunks = generator.chunks(total: mebibytes << 20)
let rawBytes = chunks.reduce(0) { $0 + $1.count }
let rawURL = directory.appendingPathComponent("output.raw")
guard FileManager.default.createFile(atPath: rawURL.path, contents: Data(chunks.joined())) else {
    FileHandle.standardError.write(Data("hrec-journal-bench: cannot write \(rawURL.path)\n".utf8))
    exit(1)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func shell(_ command: String) -> Double {
    seconds {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try? process.run()
        process.waitUntilExit()
    }
}

let journalURL = directory.appendingPathComponent("bench.hrec")
let header = SessionHeader(sessionID: SessionID(), startedAtMicros: SessionClock.wallMicros(), host: "bench", osUser: "bench",
                           command: ["agent"], cwd: "/", term: "xterm-256color", size: TerminalSize(columns: 120, rows: 40),
                           hrecVersion: "bench")
let signer = JournalSigner()
let writeSeconds = try seconds {
    var options = JournalWriter.Options()
    options.compressionLevel = level
    let writer = try JournalWriter(url: journalURL, header: header, signer: signer, options: options)
    var time: UInt64 = 0
    for chunk in chunks {
        time += 150
        try writer.append(Record(time: time, body: .output(chunk)))
    }
    try writer.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: SessionClock.wallMicros()), at: time + 1)
}
let journalSize = (try FileManager.default.attributesOfItem(atPath: journalURL.path)[.size] as? Int) ?? 0

var report: VerificationReport?
let verifySeconds = seconds {
    report = JournalVerifier.verify(path: journalURL.path, trust: JournalTrust(keys: [signer.publicKey]))
}
guard let report, report.isIntact else {
    FileHandle.standardError.write(Data("benchmark journal did not verify: \(String(describing: report?.problem))\n".utf8))
    exit(1)
}
var readRecords = 0
let readSeconds = try seconds {
    let reader = try JournalReader(url: journalURL)
    try reader.forEachRecord { _ in readRecords += 1 }
}

let zstdURL = directory.appendingPathComponent("output.raw.zst")
let zstdSeconds = shell("zstd -q -3 -T1 -f -o '\(zstdURL.path)' '\(rawURL.path)'")
let zstdSize = (try FileManager.default.attributesOfItem(atPath: zstdURL.path)[.size] as? Int) ?? 0
let unzstdSeconds = shell("zstd -q -d -c '\(zstdURL.path)' > /dev/null")
let journalZstdSeconds = shell("zstd -q -d -c '\(journalURL.path)' > /dev/null")

let mb = Double(rawBytes) / 1e6
func rate(_ seconds: Double) -> String { String(format: "%8.1f MB/s", mb / seconds) }
print("journal zstd level \(level)")
print(String(format: "input: %.1f MB of agent-like output in %d records", mb, chunks.count))
print("                                   speed      time      size")
print(String(format: "hrec journal write (zstd-\(level)+chain)  %@  %6.3fs  %9d bytes (%.2f%% of raw)", rate(writeSeconds), writeSeconds, journalSize, 100 * Double(journalSize) / Double(rawBytes)))
print(String(format: "zstd -3 (single frame)             %@  %6.3fs  %9d bytes (%.2f%% of raw)", rate(zstdSeconds), zstdSeconds, zstdSize, 100 * Double(zstdSize) / Double(rawBytes)))
print(String(format: "hrec verify (sigs+chain+decode)    %@  %6.3fs", rate(verifySeconds), verifySeconds))
print(String(format: "hrec read (every record)           %@  %6.3fs", rate(readSeconds), readSeconds))
print(String(format: "zstd -d (single frame)             %@  %6.3fs", rate(unzstdSeconds), unzstdSeconds))
print(String(format: "zstd -d (the hrec journal itself)  %@  %6.3fs", rate(journalZstdSeconds), journalZstdSeconds))
print(String(format: "size ratio journal / zstd -3: %.3f   (goal <= 1.3)", Double(journalSize) / Double(zstdSize)))
print(String(format: "write %.0f MB/s (goal >= 300), verify %.0f MB/s (goal >= 500)", mb / writeSeconds, mb / verifySeconds))
