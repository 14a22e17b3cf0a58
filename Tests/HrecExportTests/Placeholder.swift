import Testing

@Test func placeholderHrecExportTests() { #expect(1 + 1 == 2) }
