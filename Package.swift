// swift-tools-version:6.0
// Vigil: a high-availability daemon (VRRP, health checks, IPVS) that reads keepalived.conf.
import PackageDescription

/// Pure modules import no C shim and need no root; adapters wrap the system libraries.
let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigild", targets: ["vigild"]),
        .executable(name: "vigilctl", targets: ["vigilctl"]),
        .executable(name: "vigil-bench", targets: ["VigilBench"]),
        .library(name: "VigilConfig", targets: ["VigilConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Pure cores.
        .target(name: "VigilCore", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "VigilConfig", dependencies: ["VigilCore"], linkerSettings: [.linkedLibrary("m")]),

        // System libraries, one target each, so the link line names exactly what is used.
        .systemLibrary(name: "CLibNL", pkgConfig: "libnl-3.0", providers: [.apt(["libnl-3-dev"])]),
        .systemLibrary(name: "CLibNLGenl", pkgConfig: "libnl-genl-3.0", providers: [.apt(["libnl-genl-3-dev"])]),
        .systemLibrary(name: "CLibNLRoute", pkgConfig: "libnl-route-3.0", providers: [.apt(["libnl-route-3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // Adapters at the edges: files, netlink, systemd.
        .target(
            name: "VigilPlatform",
            dependencies: ["VigilCore", "VigilConfig", "CLibNL", "CLibNLGenl", "CLibNLRoute", "CSystemd"]
        ),

        // Executables only parse flags and wire things up.
        .executableTarget(
            name: "vigild",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "vigilctl",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "VigilBench",
            dependencies: ["VigilConfig", "VigilPlatform"],
            path: "Benchmarks/VigilBench"
        ),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"]),
        .testTarget(name: "VigilConfigTests", dependencies: ["VigilCore", "VigilConfig", "VigilPlatform"]),
        .testTarget(name: "VigilPlatformTests", dependencies: ["VigilPlatform"]),
        .testTarget(name: "CLITests", dependencies: ["VigilCore", "VigilConfig"]),
    ],
    swiftLanguageModes: [.v6]
)
