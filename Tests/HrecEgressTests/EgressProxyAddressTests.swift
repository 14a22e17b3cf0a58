import HrecEgress
import Testing

/// The listen address syntax of `hrec dev egress-proxy --listen` and the advertised variables.
@Suite struct EgressProxyAddressTests {
    @Test(arguments: [
        ("127.0.0.1:0", EgressProxy.Listen.tcp(host: "127.0.0.1", port: 0)),
        ("[::1]:8080", .tcp(host: "::1", port: 8080)),
        ("unix:/run/hrec/egress.sock", .unix(path: "/run/hrec/egress.sock")),
    ] as [(String, EgressProxy.Listen)])
    func parsesListenAddresses(_ text: String, _ expected: EgressProxy.Listen) {
        #expect(EgressProxy.Listen(text) == expected)
        #expect(EgressProxy.Listen(text)?.description == text)
    }

    @Test(arguments: ["unix:", "127.0.0.1", ":80", "host:99999", "host:x"])
    func refusesBadListenAddresses(_ text: String) {
        #expect(EgressProxy.Listen(text) == nil)
    }

    @Test func advertisesEveryProxyVariableInBothCases() {
        let variables = EgressProxy.environment(host: "127.0.0.1", port: 3128, noProxy: ["127.0.0.1", "localhost"])
        #expect(variables["HTTPS_PROXY"] == "http://127.0.0.1:3128" && variables["https_proxy"] == "http://127.0.0.1:3128")
        #expect(variables["http_proxy"] == "http://127.0.0.1:3128" && variables["HTTP_PROXY"] == "http://127.0.0.1:3128")
        #expect(variables["ALL_PROXY"] == "socks5h://127.0.0.1:3128" && variables["all_proxy"] == "socks5h://127.0.0.1:3128")
        #expect(variables["NO_PROXY"] == "127.0.0.1,localhost" && variables["no_proxy"] == "127.0.0.1,localhost")
        #expect(variables.count == 8)
    }
}
