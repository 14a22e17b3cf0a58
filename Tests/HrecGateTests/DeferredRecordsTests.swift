import Foundation
import Synchronization
import Testing
@testable import HrecGate

/// Body records built after their answers: the gate's stop waits for every one of them before
/// the journals close, so a session that ends right after a large answer still holds its body.
@Suite struct DeferredRecordsTests {
    @Test func drainWaitsForEveryPieceStillRunning() async {
        let deferred = DeferredRecords()
        let finished = Mutex(0)
        for _ in 0..<8 {
            deferred.run {
                usleep(50_000)
                finished.withLock { $0 += 1 }
            }
        }
        await deferred.drain()
        #expect(finished.withLock { $0 } == 8)
        await deferred.drain()  // nothing running: returns at once
        deferred.run { finished.withLock { $0 += 1 } }
        await deferred.drain()
        #expect(finished.withLock { $0 } == 9)
    }
}
