import Testing

@Test func placeholderHrecRecorderTests() { #expect(1 + 1 == 2) }
