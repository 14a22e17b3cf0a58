import CCurl
import Foundation
import Testing
@testable import HrecGate

/// Upstream response bodies are taken from the gate's memory budget as they arrive (libcurl's
/// write callback) and given back when the last copy of the response is let go.
@Suite struct ResponseBudgetTests {
    /// Feeds `chunks` through the collector's curl callback; the bytes each call took.
    func feed(_ collector: ResponseCollector, _ chunks: [Int]) -> [Int] {
        let context = Unmanaged.passUnretained(collector).toOpaque()
        return chunks.map { length in
            var bytes = [CChar](repeating: 0x61, count: length)
            return bytes.withUnsafeMutableBufferPointer { ResponseCollector.bodySink($0.baseAddress, 1, length, context) }
        }
    }

    func budget(_ total: Int, largest: Int = 128 << 20) -> RequestBudget {
        var limits = RequestLimits()
        limits.memoryBudgetBytes = total
        limits.maxResponseBytes = largest
        return RequestBudget(limits: limits)
    }

    @Test func aBodyIsTakenFromTheBudgetAndGivenBackWithItsLastCopy() throws {
        let shared = budget(4 << 20)
        var response: UpstreamResponse? = try {
            let collector = ResponseCollector(budget: shared)
            #expect(feed(collector, [700_000, 700_000]) == [700_000, 700_000])
            #expect(shared.inUse == 2 << 20)  // taken in steps of at least a MiB
            return try collector.response(result: CURLE_OK, status: 200, errorBuffer: [0])
        }()
        var copy = response
        #expect(shared.inUse == 2 << 20)
        response = nil
        #expect(shared.inUse == 2 << 20)  // the copy still holds the body
        copy = nil
        #expect(shared.inUse == 0)
        _ = copy
    }

    @Test func bodiesBeyondTheBudgetAreDroppedAndTheirBytesGivenBack() throws {
        let shared = budget(3 << 20)
        let first = ResponseCollector(budget: shared)
        #expect(feed(first, [2 << 20]) == [2 << 20])
        do {
            let second = ResponseCollector(budget: shared)
            #expect(feed(second, [512 << 10, 1 << 20]) == [512 << 10, 0])  // 0: curl aborts the transfer
            #expect(throws: GateError.self) { try second.response(result: CURLE_WRITE_ERROR, status: 200, errorBuffer: [0]) }
        }
        #expect(shared.inUse == 2 << 20)  // the dropped body's MiB came back
    }

    @Test func aBodyLargerThanTheGateTakesInIsDroppedWhateverTheBudget() {
        let shared = budget(1 << 30, largest: 100_000)
        let collector = ResponseCollector(budget: shared)
        #expect(feed(collector, [60_000, 60_000]) == [60_000, 0])
        do {
            _ = try collector.response(result: CURLE_WRITE_ERROR, status: 200, errorBuffer: [0])
            Issue.record("a body over max_response was answered")
        } catch let GateError.responseRefused(tooLarge, reason) {
            #expect(tooLarge && reason.contains("larger than the 100000 bytes"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
