import Testing

@Test func placeholderHrecGateTests() { #expect(1 + 1 == 2) }
