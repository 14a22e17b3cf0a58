import Testing

@Test func placeholderHrecPolicyTests() { #expect(1 + 1 == 2) }
