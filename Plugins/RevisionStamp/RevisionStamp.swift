import Foundation
import PackagePlugin

/// Stamps the git revision into the build, so vigil_build_info and /status name the exact source.
@main
struct RevisionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "VigilRevision.swift")
        let script = context.package.directoryURL.appending(path: "scripts/stamp-revision.sh")
        return [
            .prebuildCommand(
                displayName: "Stamping the git revision",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, context.package.directoryURL.path, output.path],
                outputFilesDirectory: context.pluginWorkDirectoryURL)
        ]
    }
}
