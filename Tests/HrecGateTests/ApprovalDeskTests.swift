import Foundation
import HrecJournal
import HrecPolicy
import Testing
@testable import HrecGate

/// What an agent can make the gate hold in memory while it waits for approvers.
@Suite struct ApprovalDeskTests {
    func request() -> HoldRequest {
        var rule = Policy.Rule(id: "protected", action: .review)
        rule.approvers = ["dba@example.com"]
        rule.approvals = 1
        rule.expirySeconds = 900
        return HoldRequest(rule: rule, message: "m", statements: ["DELETE"], tables: ["p.d.t"], estimatedBytes: nil)
    }

    func person(_ name: String) -> Identity {
        Identity(email: "\(name)@example.com", subject: name, issuer: nil, groups: [], verified: true)
    }

    func hold(_ desk: ApprovalDesk, _ name: String, _ index: Int) async -> ApprovalDesk.Hold {
        await desk.hold(request(), requester: person(name), session: "s", sql: "DELETE FROM t WHERE id = \(index)",
                        fingerprint: "\(name)-\(index)", job: "job-\(name)-\(index)", sink: nil) { 200 }
    }

    func heldID(_ outcome: ApprovalDesk.Hold) -> String? {
        if case let .held(approval) = outcome { approval.id } else { nil }
    }

    @Test func aRetryOfTheSamePendingRequestIsTheSameHold() async {
        let desk = ApprovalDesk()
        let first = heldID(await hold(desk, "alice", 1))
        let retry = heldID(await hold(desk, "alice", 1))
        #expect(first != nil && retry == first)
        #expect(await desk.all().count == 1)
    }

    @Test func oneRequesterMayHaveOnlySoManyWaitingOthersAreNotBlocked() async {
        var limits = ApprovalDesk.Limits()
        limits.pendingPerRequester = 3
        let desk = ApprovalDesk(limits: limits)
        for index in 0..<3 { #expect(heldID(await hold(desk, "alice", index)) != nil) }
        guard case let .refused(reason) = await hold(desk, "alice", 3) else { Issue.record("a fourth was held"); return }
        #expect(reason.contains("3 requests of alice@example.com are already awaiting approval"))
        #expect(heldID(await hold(desk, "bob", 0)) != nil)
        // Once one is decided, alice may ask again.
        let pending = await desk.all().first { $0.requester == "alice@example.com" }!
        _ = try? await desk.deny(id: pending.id, approver: person("dba"), reason: "no")
        #expect(heldID(await hold(desk, "alice", 4)) != nil)
    }

    @Test func aFullDeskDropsDecidedHoldsOldestFirstAndRefusesWhenAllArePending() async throws {
        var limits = ApprovalDesk.Limits()
        limits.held = 3
        let desk = ApprovalDesk(limits: limits)
        let ids = [heldID(await hold(desk, "alice", 0)), heldID(await hold(desk, "bob", 0)), heldID(await hold(desk, "carol", 0))]
        _ = try await desk.deny(id: try #require(ids[0]), approver: person("dba"), reason: "no")
        #expect(heldID(await hold(desk, "dave", 0)) != nil)
        #expect(await desk.approval(id: try #require(ids[0])) == nil)  // the decided one made room
        #expect(await desk.approval(forJob: "job-alice-0") == nil)  // its job is refused when polled
        guard case .refused = await hold(desk, "erin", 0) else { Issue.record("a fourth pending hold was kept"); return }
        #expect(await desk.all().count == 3)
    }
}
