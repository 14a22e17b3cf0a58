import HrecDelivery
import Testing

@Suite struct DeliveryBackoffTests {
    @Test func doublesFromTheInitialDelayUpToTheCap() {
        var backoff = DeliveryBackoff(initial: 0.25, maximum: 30)
        let delays = (0..<10).map { _ in backoff.next() }
        #expect(delays == [0.25, 0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        #expect(backoff.failures == 10)
    }

    @Test func aSuccessStartsOver() {
        var backoff = DeliveryBackoff(initial: 1, maximum: 8)
        _ = backoff.next()
        _ = backoff.next()
        #expect(backoff.next() == 4)
        backoff.reset()
        #expect(backoff.next() == 1)
    }

    @Test(arguments: [(0.5, 0.1), (2.0, 2.0)])
    func theCapIsNeverBelowTheFirstDelay(initial: Double, maximum: Double) {
        var backoff = DeliveryBackoff(initial: initial, maximum: maximum)
        #expect(backoff.next() == initial)
        #expect(backoff.next() == max(initial, maximum))
    }

    @Test func manyFailuresDoNotOverflow() {
        var backoff = DeliveryBackoff(initial: 0.25, maximum: 30)
        for _ in 0..<200 { _ = backoff.next() }
        #expect(backoff.next() == 30)
    }
}
