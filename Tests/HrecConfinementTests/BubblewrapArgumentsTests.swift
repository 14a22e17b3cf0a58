import HrecConfinement
import Testing

@Suite struct BubblewrapArgumentsTests {
    let arguments = BubblewrapArguments(bwrap: "/usr/bin/bwrap", sandboxInit: "/opt/hrec/hrec-sandbox", emptyFile: "/run/h/empty")

    /// The arguments for a plan, with the host's files described by a table instead of the disk.
    func argv(_ plan: ConfinementPlan, kinds: [String: BubblewrapArguments.PathKind]) -> [String] {
        arguments.argv(plan: plan, command: ["bash", "-l"]) { kinds[$0] ?? .missing }
    }

    @Test func everyNamespaceAndTheInitComeFirstAndLast() {
        let argv = argv(ConfinementPlan(), kinds: [:])
        #expect(Array(argv.prefix(5)) == ["/usr/bin/bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent"])
        #expect(Array(argv.suffix(7)) == ["--", "/opt/hrec/hrec-sandbox", "--report-fd", "3", "--", "bash", "-l"])
        #expect(argv.contains("--as-pid-1"))
        #expect(!argv.contains("--share-net"))
    }

    @Test(arguments: [
        ("/home/a/.aws", BubblewrapArguments.PathKind.directory, ["--tmpfs", "/home/a/.aws"]),
        ("/home/a/.netrc", .file, ["--ro-bind", "/run/h/empty", "/home/a/.netrc"]),
    ])
    func hiddenPathsAreCoveredByTheirKind(path: String, kind: BubblewrapArguments.PathKind, expected: [String]) {
        let argv = argv(ConfinementPlan(hidden: [path]), kinds: [path: kind])
        let start = argv.firstIndex(of: expected[0])
        #expect(start != nil)
        if let start { #expect(Array(argv[start..<(start + expected.count)]) == expected) }
    }

    @Test func pathsInsideHiddenDirectoriesAreHiddenWithThem() {
        let argv = argv(ConfinementPlan(hidden: ["/d/hrec", "/d/hrec/sessions/s.hrec"]),
                        kinds: ["/d/hrec": .directory, "/d/hrec/sessions/s.hrec": .file])
        #expect(!argv.contains("/d/hrec/sessions/s.hrec"))
        #expect(argv.contains("/d/hrec"))
    }

    @Test func missingPathsMountNothing() {
        let argv = argv(ConfinementPlan(hidden: ["/home/a/.azure"], readOnly: ["/p.yaml"]), kinds: [:])
        #expect(!argv.contains("/home/a/.azure"))
        #expect(!argv.contains("/p.yaml"))
    }

    @Test func exposedPathsComeAfterHiddenOnesSoTheyReappear() {
        let plan = ConfinementPlan(hidden: ["/run/user/1"], readOnly: ["/w/policy.yaml"], exposed: ["/run/user/1/hrec-run-x"],
                                   relays: [.init(port: 41000, socket: "/run/user/1/hrec-run-x/gate.sock")])
        let argv = argv(plan, kinds: ["/run/user/1": .directory, "/run/user/1/hrec-run-x": .directory, "/w/policy.yaml": .file])
        let hide = argv.firstIndex(of: "--tmpfs")!
        let expose = argv.lastIndex(of: "/run/user/1/hrec-run-x")!
        let readOnly = argv.firstIndex(of: "--remount-ro")!
        #expect(hide < expose && expose < readOnly)
        #expect(argv[readOnly + 1] == "/run/user/1")
        #expect(argv[expose - 2] == "--ro-bind")
        #expect(argv.contains("127.0.0.1:41000=/run/user/1/hrec-run-x/gate.sock"))
        let policy = argv.firstIndex(of: "/w/policy.yaml")!
        #expect(argv[policy - 1] == "--ro-bind" && argv[policy + 1] == "/w/policy.yaml")
    }
}

@Suite struct ConfinementPlanTests {
    let environment = ["HOME": "/home/a", "XDG_RUNTIME_DIR": "/run/user/1", "XDG_CONFIG_HOME": "/cfg",
                       "GOOGLE_APPLICATION_CREDENTIALS": "/keys/sa.json"]

    @Test func defaultsCoverCredentialStoresAndHrecsOwnFiles() {
        let hidden = ConfinementPlan.defaultHidden(environment: environment, hrecFiles: ["/w/session.hrec"])
        for path in ["/home/a/.config/gcloud", "/home/a/.aws", "/home/a/.azure", "/home/a/.kube", "/home/a/.docker/config.json",
                     "/home/a/.netrc", "/cfg/hrec", "/home/a/.local/share/hrec", "/home/a/.cache/hrec", "/run/user/1",
                     "/keys/sa.json", "/w/session.hrec", "/var/run/docker.sock"] {
            #expect(hidden.contains(path), "\(path) is not hidden")
        }
        #expect(Set(hidden).count == hidden.count)
    }

    @Test func theConfigurationAddsAndRemovesPaths() {
        let hidden = ConfinementPlan.defaultHidden(environment: environment, extraHidden: ["~/.ssh", "/srv/secrets"],
                                                   exposedDefaults: ["~/.kube"])
        #expect(hidden.contains("/home/a/.ssh"))
        #expect(hidden.contains("/srv/secrets"))
        #expect(!hidden.contains("/home/a/.kube"))
    }
}

@Suite struct SandboxReportTests {
    @Test(arguments: [
        ("exited 3 ended 1", SandboxReport(status: .exited(3), endedProcesses: 1)),
        ("signaled 9 ended 0", SandboxReport(status: .signaled(9), endedProcesses: 0)),
        ("cannot-run 2", SandboxReport(status: .cannotRun(2), endedProcesses: 0)),
    ])
    func parses(line: String, expected: SandboxReport) {
        #expect(SandboxReport(line: line) == expected)
    }

    @Test(arguments: ["", "exited", "exited x ended 1", "exited 1 ended -2", "stopped 1 ended 0", "exited 1 left 0"])
    func refusesAnythingElse(line: String) {
        #expect(SandboxReport(line: line) == nil)
    }
}
