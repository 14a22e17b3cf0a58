import ArgumentParser
import Foundation
import HrecCollector

/// `--collector URL --identity-token FILE`, shared by `hrec verify` and `hrec ls`.
struct CollectorOptions: ParsableArguments {
    @Option(name: .customLong("collector"), help: ArgumentHelp("A collector (hrec collect) to read sessions from.", valueName: "URL"))
    var collector: String?

    @Option(name: .customLong("identity-token"), help: ArgumentHelp("OIDC ID token for the collector (a file).", valueName: "FILE"))
    var identityToken: String?

    /// The client these options name; nil without --collector.
    func client() throws -> CollectorClient? {
        guard let collector else { return nil }
        guard let identityToken else { throw CLIError("--collector needs --identity-token FILE (the collector authenticates every request)") }
        guard let data = FileManager.default.contents(atPath: identityToken) else {
            throw CLIError("cannot read the identity token '\(identityToken)'")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return CollectorClient(url: collector.hasSuffix("/") ? String(collector.dropLast()) : collector, token: token)
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
