import Testing

@Test func placeholderHrecCLITests() { #expect(1 + 1 == 2) }
