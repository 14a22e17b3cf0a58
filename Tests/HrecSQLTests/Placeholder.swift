import Testing

@Test func placeholderHrecSQLTests() { #expect(1 + 1 == 2) }
