import Foundation
import HrecPolicy
import Testing

@Suite struct ApprovalTests {
    func make(needed: Int = 2, expiry: Int = 900, approvers: [String] = ["data-owners", "dba@example.com"]) -> Approval {
        var rule = Policy.Rule(id: "protected", action: .review)
        rule.approvers = approvers
        rule.approvals = needed
        rule.expirySeconds = expiry
        return Approval(id: "apr-1", fingerprint: "f", rule: rule, message: "m", requester: "alice@example.com", requesterGroups: ["data-owners"],
                        session: "s", sql: "DELETE FROM t", statements: ["DELETE"], tables: ["p.d.t"], estimatedBytes: nil, job: "j",
                        now: Date(timeIntervalSince1970: 0))
    }

    @Test func twoOfManyApproversCompleteIt() throws {
        var approval = make()
        let first = try approval.approve(by: "bob@example.com", groups: ["data-owners"], reason: nil, now: Date(timeIntervalSince1970: 1))
        #expect(!first)
        #expect(throws: Approval.Refusal.alreadyApproved("BOB@example.com")) {
            try approval.approve(by: "BOB@example.com", groups: ["data-owners"], reason: nil, now: Date(timeIntervalSince1970: 2))
        }
        let second = try approval.approve(by: "dba@example.com", groups: [], reason: "ok", now: Date(timeIntervalSince1970: 3))
        #expect(second)
        #expect(approval.state == .approved)
        approval.markExecuted()
        #expect(approval.state == .executed)
    }

    @Test func theRequesterAndOutsidersNeverCount() {
        var approval = make()
        #expect(throws: Approval.Refusal.selfApproval) {
            try approval.approve(by: "Alice@Example.com", groups: ["data-owners"], reason: nil, now: Date(timeIntervalSince1970: 1))
        }
        #expect(throws: Approval.Refusal.notAnApprover("eve@example.com")) {
            try approval.approve(by: "eve@example.com", groups: ["eng"], reason: nil, now: Date(timeIntervalSince1970: 1))
        }
        #expect(approval.state == .pending && approval.approvals.isEmpty)
    }

    @Test func expiryAndDenialEndIt() throws {
        var expiring = make(expiry: 60)
        let early = expiring.expireIfDue(now: Date(timeIntervalSince1970: 59))
        let due = expiring.expireIfDue(now: Date(timeIntervalSince1970: 60))
        #expect(!early && due)
        #expect(throws: Approval.Refusal.alreadyDecided(.expired)) {
            try expiring.approve(by: "bob@example.com", groups: ["data-owners"], reason: nil, now: Date(timeIntervalSince1970: 61))
        }
        #expect(expiring.refusalMessage.contains("expired"))
        var denied = make()
        try denied.deny(by: "bob@example.com", groups: ["data-owners"], reason: "no", now: Date(timeIntervalSince1970: 5))
        #expect(denied.state == .denied && denied.refusalMessage == "request apr-1 was denied by bob@example.com: no")
    }
}
