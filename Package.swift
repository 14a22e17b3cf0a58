// swift-tools-version:6.2
// hrec: records what AI coding agents do with production data, and gates their BigQuery access.
import PackageDescription

/// Settings applied to every Swift target (see STYLE.md: one list, applied in a loop).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "hrec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hrec", targets: ["hrec"]),
        .executable(name: "hrec-sandbox", targets: ["hrec-sandbox"]),
        .executable(name: "hrec-journal-bench", targets: ["hrec-journal-bench"]),
        .executable(name: "hrec-mask-bench", targets: ["hrec-mask-bench"]),
        .executable(name: "hrec-seek-bench", targets: ["hrec-seek-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Thin C targets: only what Swift cannot do safely (fork/exec, variadic calls, macros).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CPosix"),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "CVterm", linkerSettings: [.linkedLibrary("vterm")]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Capabilities, dependencies pointing downward.
        .target(name: "HrecJournal", dependencies: [
            "CZstd", "CPosix", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "HrecConfinement", dependencies: ["HrecJournal", "CPosix"]),
        .executableTarget(name: "hrec-sandbox", path: "Sources/hrec-sandbox"),
        .target(name: "HrecRecorder", dependencies: ["HrecJournal", "HrecConfinement", "CPosix"]),
        .target(name: "HrecSQL"),
        .target(name: "HrecPolicy", dependencies: [
            "HrecSQL", .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "HrecGate", dependencies: [
            "HrecJournal", "HrecPolicy", "HrecSQL", "CCurl", "CPosix",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "HrecCollector", dependencies: [
            "HrecJournal", "HrecGate",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "HrecEgress", dependencies: [
            "HrecJournal", "HrecPolicy",
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "HrecPlayer", dependencies: ["HrecJournal", "HrecExport", "CVterm", "CNcurses", "CZstd", "CPosix"]),
        .target(name: "HrecExport", dependencies: [
            "HrecJournal", "CSQLite", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "HrecDelivery", dependencies: [
            "HrecJournal", "HrecGate", "HrecCollector",
        ]),
        .executableTarget(name: "hrec", dependencies: [
            "HrecJournal", "HrecRecorder", "HrecConfinement", "HrecPolicy", "HrecGate", "HrecPlayer", "HrecExport", "HrecEgress", "HrecCollector",
            "HrecDelivery",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Benchmarks (bench/): `swift build -c release --product hrec-journal-bench`.
        .executableTarget(name: "hrec-journal-bench", dependencies: ["HrecJournal"], path: "bench/JournalBench"),
        .executableTarget(name: "hrec-mask-bench", dependencies: ["HrecPolicy"], path: "bench/MaskBench"),
        .executableTarget(name: "hrec-seek-bench", dependencies: ["HrecJournal", "HrecPlayer"], path: "bench/SeekBench"),

        // Shared by test targets: fixture paths, built-binary runner, manual clock, test issuer.
        .target(name: "HrecTestSupport", dependencies: ["HrecJournal"], path: "Tests/HrecTestSupport"),
        .testTarget(name: "HrecJournalTests", dependencies: ["HrecJournal", "HrecTestSupport"]),
        .testTarget(name: "HrecRecorderTests", dependencies: ["HrecRecorder", "HrecTestSupport"]),
        .testTarget(name: "HrecConfinementTests", dependencies: ["HrecConfinement"]),
        .testTarget(name: "HrecSQLTests", dependencies: ["HrecSQL"]),
        .testTarget(name: "HrecPolicyTests", dependencies: ["HrecPolicy", "HrecTestSupport"]),
        .testTarget(name: "HrecGateTests", dependencies: ["HrecGate", "HrecTestSupport"]),
        .testTarget(name: "HrecEgressTests", dependencies: [
            "HrecEgress", "HrecPolicy", "HrecJournal", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "HrecPlayerTests", dependencies: ["HrecPlayer", "HrecTestSupport"]),
        .testTarget(name: "HrecExportTests", dependencies: ["HrecExport", "HrecTestSupport"]),
        .testTarget(name: "HrecCollectorTests", dependencies: ["HrecCollector", "HrecJournal", "HrecTestSupport"]),
        .testTarget(name: "HrecDeliveryTests", dependencies: [
            "HrecDelivery", "HrecCollector", "HrecJournal", "HrecTestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "HrecCLITests", dependencies: ["HrecTestSupport"]),
    ]
)

for target in package.targets where target.type != .system && !["CPosix", "CCurl", "CNcurses", "CVterm", "hrec-sandbox"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
