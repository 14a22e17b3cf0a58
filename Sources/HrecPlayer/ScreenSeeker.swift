import CVterm
import Foundation
import HrecJournal

/// Shows the screen at any step of a session quickly, by keeping keyframes: exact copies of the
/// whole emulator (see docs/journal-format.md, "Keyframes").
///
/// Keyframes are made by replaying the session once, in the background from open, and kept in
/// memory, compressed. A new keyframe is taken when replay since the last one has cost
/// `maximumReplayBytes` of output or `maximumReplayTime`, whichever comes first, so any seek
/// replays at most about that much. A seek beyond what the builder has reached extends the build
/// up to it. Thread-safe: the builder and the viewer take turns on one emulator.
public final class ScreenSeeker: @unchecked Sendable {
    /// Replay budget between keyframes, in output bytes.
    public let maximumReplayBytes: UInt64
    /// Replay budget between keyframes, in seconds of emulation (wide screens scroll slowly in libvterm).
    public let maximumReplayTime: Double

    struct Keyframe {
        var step: Int
        /// The emulator state, zstd-compressed unless `compressed` is false.
        var state: [UInt8]
        var size: Int
        var compressed: Bool
    }

    public let timeline: SessionTimeline
    private let lock = NSLock()
    private let screen: TerminalScreen
    private var keyframes: [Keyframe] = []
    /// Steps the keyframe builder has covered.
    private var frontier = 0
    /// The emulator at `frontier`, saved when the live screen went elsewhere.
    private var frontierState: [UInt8]?
    /// Steps applied to the live screen.
    private var live = 0
    private var liveIsFrontier = true
    /// Emulation time spent since the last keyframe.
    private var replayTime = 0.0
    private var builder: Thread?
    private var stopBuilding = false

    /// A seeker over `timeline`: a keyframe at most every `maximumReplayBytes` of output (1 MiB)
    /// or `maximumReplayTime` of replay (15 ms).
    public init(timeline: SessionTimeline, maximumReplayBytes: UInt64 = 1 << 20, maximumReplayTime: Double = 0.015) {
        self.timeline = timeline
        self.maximumReplayBytes = maximumReplayBytes
        self.maximumReplayTime = maximumReplayTime
        let size = timeline.initialSize
        screen = TerminalScreen(rows: Int(size.rows), columns: Int(size.columns))
        addKeyframe()
    }

    deinit { stopBuilding = true }

    /// Steps in the session.
    public var stepCount: Int { timeline.steps.count }

    /// Keyframes made so far, and whether every step is covered.
    public var buildProgress: (keyframes: Int, covered: Int, done: Bool) {
        lock.withLock { (keyframes.count, frontier, frontier >= timeline.steps.count) }
    }

    /// Memory held by keyframes, in bytes.
    public var keyframeBytes: Int { lock.withLock { keyframes.reduce(0) { $0 + $1.state.count } } }

    /// The screen after the first `count` steps.
    public func view(afterSteps count: Int) -> ScreenView {
        lock.withLock {
            moveLive(to: min(max(count, 0), timeline.steps.count))
            return ScreenView(screen)
        }
    }

    /// Builds keyframes on a background thread until the whole session is covered.
    public func startBuilding() {
        guard builder == nil else { return }
        let thread = Thread { [weak self] in
            while let self, !self.stopBuilding, !self.buildChunk() {}
        }
        thread.name = "hrec keyframes"
        builder = thread
        thread.start()
    }

    /// Builds everything now (benchmarks, `--screen`).
    public func buildAll() {
        while !buildChunk() {}
    }

    /// Advances the build by about 256 KiB of output; returns true when done.
    @discardableResult
    func buildChunk() -> Bool {
        lock.withLock {
            let steps = timeline.steps
            guard frontier < steps.count else { return true }
            var end = frontier + 1
            let limit = steps[frontier].outputOffset + (256 << 10)
            while end < steps.count, steps[end].outputOffset < limit { end += 1 }
            extendFrontier(to: end)
            return frontier >= steps.count
        }
    }

    /// The first step count after `count` at which `needle` appears on the screen (more
    /// occurrences than just before), searching forward; or the last one before `count` searching
    /// backward. Nil when there is none.
    public func search(_ needle: String, from count: Int, forward: Bool) -> Int? {
        guard !needle.isEmpty else { return nil }
        return lock.withLock { forward ? searchForward(needle, from: count) : searchBackward(needle, before: count) }
    }

    // MARK: - Moving the live emulator (lock held)

    private func apply(_ index: Int) {
        guard let body = try? timeline.body(of: index) else { live += 1; return }
        switch body {
        case let .output(bytes): screen.feed(bytes)
        case let .resize(size): screen.resize(rows: Int(size.rows), columns: Int(size.columns))
        default: break
        }
        live += 1
    }

    private func addKeyframe() {
        let state = screen.saveState()
        let compressed = StateCompressor.compress(state)
        keyframes.append(Keyframe(step: live, state: compressed ?? state, size: state.count, compressed: compressed != nil))
        replayTime = 0
    }

    private func restore(_ keyframe: Keyframe) {
        let state = keyframe.compressed ? StateCompressor.decompress(keyframe.state, size: keyframe.size) : keyframe.state
        guard let state, screen.restoreState(state) else {
            fatalError("hrec: a keyframe no longer restores (memory corruption?)")
        }
        live = keyframe.step
    }

    private func extendFrontier(to target: Int) {
        if !liveIsFrontier {
            if let state = frontierState, screen.restoreState(state) {
                live = frontier
            } else {
                restore(keyframes[keyframes.count - 1])
                frontier = live
            }
            liveIsFrontier = true
            frontierState = nil
        }
        var started = DispatchTime.now().uptimeNanoseconds
        while frontier < target {
            apply(frontier)
            frontier += 1
            let now = DispatchTime.now().uptimeNanoseconds
            replayTime += Double(now - started) / 1e9
            started = now
            if timeline.cost(from: keyframes[keyframes.count - 1].step, to: frontier) >= maximumReplayBytes
                || replayTime >= maximumReplayTime {
                addKeyframe()
                started = DispatchTime.now().uptimeNanoseconds
            }
        }
    }

    private func leaveFrontier() {
        guard liveIsFrontier else { return }
        if frontier < timeline.steps.count { frontierState = screen.saveState() }
        liveIsFrontier = false
    }

    private func moveLive(to target: Int) {
        if target >= frontier {
            extendFrontier(to: target)
            return
        }
        let keyframe = keyframes[lastKeyframe(atOrBefore: target)]
        let fromLive = live <= target ? timeline.cost(from: live, to: target) : UInt64.max
        if timeline.cost(from: keyframe.step, to: target) < fromLive || live > target {
            leaveFrontier()
            restore(keyframe)
        } else {
            leaveFrontier()
        }
        while live < target { apply(live) }
    }

    private func lastKeyframe(atOrBefore step: Int) -> Int {
        var low = 0, high = keyframes.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if keyframes[mid].step <= step { low = mid } else { high = mid - 1 }
        }
        return low
    }

    private func searchForward(_ needle: String, from count: Int) -> Int? {
        moveLive(to: count)
        leaveFrontier()
        screen.setNeedle(needle)
        var previous = screen.needleCount
        while live < timeline.steps.count {
            apply(live)
            let now = screen.needleCount
            if now > previous { return live }
            previous = now
        }
        return nil
    }

    private func searchBackward(_ needle: String, before count: Int) -> Int? {
        guard count > 1 else { return nil }
        if count > frontier { extendFrontier(to: count) }
        leaveFrontier()
        var upper = count - 1  // the latest step count that may match
        var index = lastKeyframe(atOrBefore: upper - 1)
        while true {
            let keyframe = keyframes[index]
            restore(keyframe)
            screen.setNeedle(needle)
            var previous = screen.needleCount
            var found: Int?
            while live < upper {
                apply(live)
                let now = screen.needleCount
                if now > previous { found = live }
                previous = now
            }
            if let found { return found }
            guard index > 0 else { return nil }
            upper = keyframe.step
            index -= 1
        }
    }
}

/// A copy of the screen at one instant, for drawing.
public struct ScreenView {
    public var rows: Int
    public var columns: Int
    /// Row-major cells, `rows * columns`.
    public var cells: [HrecCell]
    public var cursor: (row: Int, column: Int)
    public var cursorVisible: Bool
    public var lines: [String]

    init(_ screen: TerminalScreen) {
        rows = screen.rows
        columns = screen.columns
        var all: [HrecCell] = []
        all.reserveCapacity(rows * columns)
        var row = [HrecCell]()
        for index in 0..<rows {
            screen.cells(index, into: &row)
            all.append(contentsOf: row.prefix(columns))
        }
        cells = all
        cursor = screen.cursor
        cursorVisible = screen.isCursorVisible
        lines = screen.lines()
    }

    public var text: String { lines.joined(separator: "\n") }
}
