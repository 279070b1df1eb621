// swift-tools-version:6.0
// Vigil: a high-availability daemon (VRRP, health checks, IPVS) that reads keepalived.conf.
import PackageDescription

/// Pure modules import no C shim and need no root; adapters wrap the system libraries.
let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigild", targets: ["vigild"]),
        .executable(name: "vigilctl", targets: ["vigilctl"]),
        .executable(name: "vigil-bench", targets: ["VigilBench"]),
        .library(name: "VigilConfig", targets: ["VigilConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
    ],
    targets: [
        // Pure cores.
        .target(name: "VigilCore", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "VigilConfig", dependencies: ["VigilCore"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "VigilVRRP", dependencies: ["VigilCore"]),
        .target(name: "VigilIPVS", dependencies: ["VigilCore"]),
        .target(name: "VigilCheck", dependencies: ["VigilCore", "VigilConfig", "VigilIPVS"]),
        .target(name: "VigilMail", dependencies: ["VigilCore"]),
        .target(
            name: "VigilTelemetry",
            dependencies: ["VigilCore", .product(name: "Prometheus", package: "swift-prometheus")]
        ),

        // System libraries, one target each, so the link line names exactly what is used.
        .systemLibrary(name: "CLibNL", pkgConfig: "libnl-3.0", providers: [.apt(["libnl-3-dev"])]),
        .systemLibrary(name: "CLibNLGenl", pkgConfig: "libnl-genl-3.0", providers: [.apt(["libnl-genl-3-dev"])]),
        .systemLibrary(name: "CLibNLRoute", pkgConfig: "libnl-route-3.0", providers: [.apt(["libnl-route-3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinuxExtras"),

        // Adapters at the edges: files, netlink, systemd.
        .target(
            name: "VigilPlatform",
            dependencies: ["VigilCore", "VigilConfig", "VigilTelemetry", "CLibNL", "CLibNLGenl", "CLibNLRoute", "CSystemd", "CLinuxExtras",
                "VigilIPVS",
            ],
            plugins: ["RevisionStamp"]
        ),
        .plugin(name: "RevisionStamp", capability: .buildTool()),

        // Health checkers: one adapter per checker kind, on SwiftNIO or plain sockets.
        .target(
            name: "VigilCheckers",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilCheck", "VigilPlatform", "CLinuxExtras",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // Mail alerts: SMTP with EHLO, STARTTLS or implicit TLS, and AUTH, on SwiftNIO.
        .target(
            name: "VigilMailer",
            dependencies: [
                "VigilCore", "VigilMail",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The HTTP listener for /metrics, /healthz, /status and the control socket.
        .target(
            name: "VigilHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The one place that composes cores and adapters into a running daemon.
        .target(
            name: "VigilRuntime",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilPlatform", "VigilTelemetry", "VigilHTTP", "VigilVRRP",
                "VigilIPVS", "VigilCheck", "VigilCheckers", "VigilMail", "VigilMailer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // Executables only parse flags and wire things up.
        .executableTarget(
            name: "vigild",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilPlatform", "VigilRuntime", "VigilTelemetry", "VigilHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "vigilctl",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilPlatform", "VigilTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "VigilBench",
            dependencies: ["VigilCore", "VigilConfig", "VigilIPVS", "VigilPlatform", "VigilTelemetry", "VigilHTTP", "VigilRuntime"],
            path: "Benchmarks/VigilBench"
        ),

        // Test helpers shared by the test targets (not shipped).
        .target(name: "VigilTestSupport", dependencies: ["VigilCore"], path: "Tests/VigilTestSupport"),
        // Fakes of the runtime's seams (an in-memory VRRP wire, addresses, links), next to nothing
        // but the protocols they fake.
        .target(
            name: "VigilRuntimeTestSupport",
            dependencies: ["VigilRuntime", "VigilPlatform", "VigilVRRP", "VigilCore", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/VigilRuntimeTestSupport"
        ),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"]),
        .testTarget(name: "VigilConfigTests", dependencies: ["VigilTestSupport", "VigilCore", "VigilConfig", "VigilPlatform"]),
        .testTarget(name: "VigilPlatformTests", dependencies: ["VigilPlatform"]),
        .testTarget(name: "VigilVRRPTests", dependencies: ["VigilTestSupport", "VigilVRRP", "VigilCore"]),
        .testTarget(name: "VigilIPVSTests", dependencies: ["VigilTestSupport", "VigilIPVS", "VigilCore", "VigilPlatform"]),
        .testTarget(name: "VigilCheckTests", dependencies: ["VigilTestSupport", "VigilCheck", "VigilIPVS", "VigilConfig", "VigilCore"]),
        .testTarget(
            name: "VigilCheckersTests",
            dependencies: [
                "VigilCheckers", "VigilCheck", "VigilConfig", "VigilCore", "VigilPlatform", "CLinuxExtras", "VigilTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "VigilMailTests", dependencies: ["VigilMail", "VigilCore"]),
        .testTarget(
            name: "VigilMailerTests",
            dependencies: ["VigilMailer", "VigilMail", "VigilCore", .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(name: "VigilTelemetryTests", dependencies: ["VigilTelemetry"], exclude: ["Golden"]),
        .testTarget(
            name: "VigilHTTPTests",
            dependencies: ["VigilHTTP", "VigilPlatform", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "VigilRuntimeTests",
            dependencies: [
                "VigilRuntime", "VigilTelemetry", "VigilHTTP", "VigilPlatform", "VigilConfig", "VigilCheck", "VigilIPVS", "VigilCore",
                "VigilMail", "VigilMailer", "VigilVRRP", "VigilRuntimeTestSupport", "VigilTestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["VigilCore", "VigilConfig"]),
    ],
    swiftLanguageModes: [.v6]
)
