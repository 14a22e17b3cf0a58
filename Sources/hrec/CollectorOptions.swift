import ArgumentParser
import Foundation
import HrecDelivery

/// `--collector URL --identity-token FILE`, shared by `hrec verify`, `ls`, `search` and `evidence`.
struct CollectorOptions: ParsableArguments {
    @Option(name: .customLong("collector"), help: ArgumentHelp("A collector (hrec collect) to read sessions from.", valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("identity-token"), help: ArgumentHelp("OIDC ID token for the collector (a file).", valueName: "FILE"))
    var identityToken: String?

    /// The client these options name; nil without --collector.
    func client() throws -> DeliveryClient? {
        guard let collector else { return nil }
        guard let identityToken else { throw CLIError("--collector needs --identity-token FILE (the collector authenticates every request)") }
        let source = IdentityTokenSource.file(identityToken)
        _ = try source.token()  // a token that cannot be read is said before anything is asked
        return try DeliveryClient(url: collector, token: source, timeoutSeconds: 60)
    }

    /// `$XDG_CACHE_HOME/hrec/collector/<host_port>`: where `hrec ls --collector` keeps its copies.
    func mirrorDirectory() -> URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        let name = (collector ?? "collector").map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return URL(fileURLWithPath: base).appendingPathComponent("hrec/collector/" + String(name))
    }

    /// With --collector: the collector's sessions you may read, copied into `mirrorDirectory()`
    /// (new frames only), as one more location to read; nil without --collector.
    func mirroredLocation() async throws -> String? {
        guard let client = try client() else { return nil }
        let directory = mirrorDirectory()
        _ = try await CollectorMirror(client: client, directory: directory).refresh()
        return directory.path
    }
}
