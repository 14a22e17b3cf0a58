import Foundation
import HrecJournal

/// The screen side of a journal: output and resizes in time order, replayed into a screen or
/// onto a terminal with the recorded timing.
public struct Playback {
    public enum Step {
        case output([UInt8])
        case resize(TerminalSize)
    }

    public let header: SessionHeader
    public let steps: [(time: UInt64, step: Step)]
    public let duration: UInt64
    public let isTruncated: Bool

    /// Reads every complete frame of `url` (a truncated journal plays up to its last complete frame).
    public init(url: URL) throws {
        let reader = try JournalReader(url: url)
        header = reader.header
        var steps: [(UInt64, Step)] = []
        try reader.forEachRecord { record in
            switch record.body {
            case let .output(bytes): steps.append((record.time, .output(bytes)))
            case let .resize(size): steps.append((record.time, .resize(size)))
            default: break
            }
        }
        self.steps = steps
        duration = reader.duration
        isTruncated = reader.isTruncated
    }

    /// The screen at instant `time` (µs): every output up to and including it.
    public func screen(at time: UInt64) -> TerminalScreen {
        let size = header.size ?? TerminalSize(columns: 80, rows: 24)
        let screen = TerminalScreen(rows: Int(size.rows), columns: Int(size.columns))
        for (stepTime, step) in steps where stepTime <= time {
            switch step {
            case let .output(bytes): screen.feed(bytes)
            case let .resize(size): screen.resize(rows: Int(size.rows), columns: Int(size.columns))
            }
        }
        return screen
    }

    /// Writes the output to `write` with its timing: `speed` times faster, pauses longer than
    /// `idleLimit` µs squeezed to it, no waiting at all when `wait` is false.
    public func play(speed: Double, idleLimit: UInt64?, wait: Bool, from start: UInt64 = 0, write: ([UInt8]) -> Void) {
        var previous = start
        for (time, step) in steps where time >= start {
            guard case let .output(bytes) = step else { continue }
            if wait {
                var pause = time &- previous
                if let idleLimit { pause = min(pause, idleLimit) }
                if pause > 0 { usleep(useconds_t(min(Double(pause) / speed, 60_000_000))) }
            }
            previous = time
            write(bytes)
        }
    }

    /// Parses `90`, `90s`, `1.5s`, `1m30s`, `1:30`, `1h2m` into microseconds.
    public static func parseTime(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains(":") {
            var seconds = 0.0
            for part in trimmed.split(separator: ":") {
                guard let value = Double(part) else { return nil }
                seconds = seconds * 60 + value
            }
            return UInt64(seconds * 1_000_000)
        }
        var total = 0.0, number = ""
        for character in trimmed {
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        if !number.isEmpty {
            guard let value = Double(number) else { return nil }
            total += value
        }
        return total >= 0 ? UInt64(total * 1_000_000) : nil
    }
}
