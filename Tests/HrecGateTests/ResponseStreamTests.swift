import Foundation
import Testing
@testable import HrecGate

/// The hand-over of a streamed upstream body from libcurl's thread to the gate.
@Suite struct ResponseStreamTests {
    func put(_ stream: ResponseStream, _ count: Int) -> Bool {
        let bytes = [UInt8](repeating: 0x61, count: count)
        return bytes.withUnsafeBytes { stream.put($0, status: 200, contentType: "application/json") }
    }

    @Test func aShortBodyArrivesWholeALongOneAsHeadThenPieces() async throws {
        let short = ResponseStream(streamAbove: 100)
        #expect(put(short, 60))
        short.end(.success(UpstreamResponse(status: 200, contentType: nil, body: [])))
        guard case .whole = await short.waitForStart() else { Issue.record("not whole"); return }
        #expect(try short.finished()?.body.count == 60)

        let long = ResponseStream(streamAbove: 100)
        let producer = Thread {
            _ = self.put(long, 80)
            _ = self.put(long, 80)  // passes 100: streaming begins with a 160-byte head
            _ = self.put(long, 30)
            long.end(.success(UpstreamResponse(status: 200, contentType: nil, body: [])))
        }
        producer.start()
        guard case .streaming = await long.waitForStart() else { Issue.record("not streaming"); return }
        #expect(long.takeHead().count == 160 && long.status == 200)
        var rest = 0
        while let piece = await long.next() { rest += piece.count }
        #expect(rest == 30)
    }

    @Test func aReaderThatStopsReadingIsGivenUpOnAfterItsPatience() async {
        let stream = ResponseStream(streamAbove: 10, capacity: 100, patience: 0.3)
        let gaveUp = DispatchSemaphore(value: 0)
        let results = Results()
        Thread {
            _ = self.put(stream, 20)  // head; streaming begins
            results.add(self.put(stream, 100))  // fills the buffer
            let started = Date()
            results.add(self.put(stream, 1))  // no room and nobody reads: waits its patience, then false
            results.seconds = Date().timeIntervalSince(started)
            gaveUp.signal()
        }.start()
        _ = await stream.waitForStart()
        await withCheckedContinuation { continuation in DispatchQueue.global().async { gaveUp.wait(); continuation.resume() } }
        #expect(results.values == [true, false])
        #expect(results.seconds >= 0.25 && results.seconds < 5)
    }

    @Test func cancellingReleasesAProducerWaitingForRoom() async {
        let stream = ResponseStream(streamAbove: 10, capacity: 100, patience: 60)
        let done = DispatchSemaphore(value: 0)
        let results = Results()
        Thread {
            _ = self.put(stream, 20)
            _ = self.put(stream, 100)
            results.add(self.put(stream, 1))
            done.signal()
        }.start()
        _ = await stream.waitForStart()
        try? await Task.sleep(nanoseconds: 100_000_000)
        stream.cancel()
        await withCheckedContinuation { continuation in DispatchQueue.global().async { done.wait(); continuation.resume() } }
        #expect(results.values == [false])
    }
}

/// Values a producer thread reports to the test.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Bool] = []
    private var elapsed: TimeInterval = 0
    func add(_ value: Bool) { lock.withLock { stored.append(value) } }
    var values: [Bool] { lock.withLock { stored } }
    var seconds: TimeInterval {
        get { lock.withLock { elapsed } }
        set { lock.withLock { elapsed = newValue } }
    }
}
