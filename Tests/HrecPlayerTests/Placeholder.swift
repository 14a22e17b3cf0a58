import Testing

@Test func placeholderHrecPlayerTests() { #expect(1 + 1 == 2) }
