import Testing
@testable import HrecGate

@Suite struct BearerTokenTests {
    @Test func theTokenIsReadWhateverTheSchemesCaseAndTheBlanksAround() {
        #expect(GateResponder.bearerToken("Bearer abc.def") == "abc.def")
        #expect(GateResponder.bearerToken("bEaReR \t abc.def \t") == "abc.def")
        #expect(GateResponder.bearerToken("Bearer ") == nil)
        #expect(GateResponder.bearerToken("Bearer  ") == "")
        #expect(GateResponder.bearerToken("Basic abc") == nil)
        #expect(GateResponder.bearerToken("Bearerabc") == nil)
        #expect(GateResponder.bearerToken(nil) == nil)
    }
}
