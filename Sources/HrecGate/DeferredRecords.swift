import Synchronization

/// Records built after their answer went out (a held body's `gate.response.body` records): the
/// work runs beside the next request instead of before it, and the gate waits for all of it
/// before its journals close (`GateServer.stop`), so none is lost to a session that ends.
final class DeferredRecords: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `work` on its own task.
    func run(_ work: @escaping @Sendable () -> Void) {
        state.withLock { $0.running += 1 }
        Task.detached {
            work()
            let waiters = self.state.withLock { state in
                state.running -= 1
                guard state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Returns once no work is running.
    func drain() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if state.running == 0 { return true }
                state.waiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
    }
}
