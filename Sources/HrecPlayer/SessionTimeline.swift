import Foundation
import HrecJournal

/// What a player needs to know about a journal, indexed once at open: the screen steps (output
/// and resizes) with their times and byte offsets, the structured events, and where each step's
/// bytes are. Output bytes stay compressed in the journal; a step's bytes are decoded on demand
/// (one frame at a time, the last few cached), so a 100 MiB session costs its compressed size.
public final class SessionTimeline {
    /// One screen step: an output record or a resize.
    public struct Step: Sendable, Equatable {
        public var time: UInt64
        /// Output bytes before this step (the cost of replaying up to it).
        public var outputOffset: UInt64
        /// Frame position and record index in it.
        var frame: Int32
        var record: Int32
        public var isResize: Bool
    }

    /// A structured event on the timeline.
    public struct Event: Sendable {
        public var time: UInt64
        public var event: JournalEvent
    }

    public let reader: JournalReader
    public var header: SessionHeader { reader.header }
    public private(set) var steps: [Step] = []
    public private(set) var events: [Event] = []
    /// Total output bytes.
    public private(set) var outputBytes: UInt64 = 0
    public var duration: UInt64 { reader.duration }
    public var isTruncated: Bool { reader.isTruncated }
    public var initialSize: TerminalSize { header.size ?? TerminalSize(columns: 80, rows: 24) }

    private var frameCache: [(position: Int, records: [Record])] = []
    private let cacheLimit = 4

    /// Frames skipped because they could not be decoded (only when opened `skippingDamage`).
    public private(set) var damagedFrames: [Int] = []

    /// Opens `url` and indexes every complete frame (a truncated journal up to its last one).
    /// - Parameter skippingDamage: leave out frames that cannot be decoded instead of failing
    ///   (for playing a journal known to fail verification).
    public init(url: URL, skippingDamage: Bool = false) throws {
        reader = try JournalReader(url: url)
        for position in 0..<reader.frames.count {
            do {
                try index(frame: position)
            } catch where skippingDamage {
                damagedFrames.append(position)
            }
        }
    }

    private func index(frame position: Int) throws {
        for (index, record) in try reader.records(inFrame: position).enumerated() {
            switch record.body {
            case let .output(bytes):
                steps.append(Step(time: record.time, outputOffset: outputBytes, frame: Int32(position), record: Int32(index), isResize: false))
                outputBytes += UInt64(bytes.count)
            case .resize:
                steps.append(Step(time: record.time, outputOffset: outputBytes, frame: Int32(position), record: Int32(index), isResize: true))
            case let .event(event):
                events.append(Event(time: record.time, event: event))
            default: break
            }
        }
    }

    /// The body of step `index`: `.output(bytes)` or `.resize(size)`.
    public func body(of index: Int) throws -> Record.Body {
        let step = steps[index]
        return try records(inFrame: Int(step.frame))[Int(step.record)].body
    }

    /// Output bytes replayed from step `from` up to (not including) step `to`.
    public func cost(from: Int, to: Int) -> UInt64 {
        guard to > from else { return 0 }
        let end = to < steps.count ? steps[to].outputOffset : outputBytes
        return end - steps[from].outputOffset
    }

    /// How many steps happen at or before `time`.
    public func stepCount(at time: UInt64) -> Int {
        var low = 0, high = steps.count
        while low < high {
            let mid = (low + high) / 2
            if steps[mid].time <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func records(inFrame position: Int) throws -> [Record] {
        if let hit = frameCache.firstIndex(where: { $0.position == position }) { return frameCache[hit].records }
        let records = try reader.records(inFrame: position)
        frameCache.append((position, records))
        if frameCache.count > cacheLimit { frameCache.removeFirst() }
        return records
    }
}
