import Foundation
import HrecTestSupport
import Testing

/// docs/policy.md documents every key the example policy uses, and every style and detector.
@Suite struct PolicyDocumentTests {
    @Test func everyKeyOfTheExampleIsDocumented() throws {
        let document = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/policy.md"), encoding: .utf8)
        let example = try String(contentsOf: Fixtures.url("policies/example.yaml"), encoding: .utf8)
        var keys: Set<String> = []
        for line in example.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            let trimmed = line.trimmingCharacters(in: .whitespaces).drop { $0 == "-" || $0 == " " }
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            let key = trimmed[..<colon]
            if !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == "_" }) { keys.insert(String(key)) }
        }
        #expect(keys.count > 15)
        for key in keys {
            #expect(document.contains("`\(key)`"), "docs/policy.md does not document '\(key)'")
        }
        for value in ["sha256", "always_null", "default_value", "last_four", "first_four", "email_mask", "date_year", "redact",
                      "hmac_token", "credit_card", "us_ssn", "iban", "phone"] {
            #expect(document.contains("`\(value)`"), "docs/policy.md does not document '\(value)'")
        }
    }
}
