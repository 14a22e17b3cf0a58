import Testing

@Test func placeholderHrecJournalTests() { #expect(1 + 1 == 2) }
