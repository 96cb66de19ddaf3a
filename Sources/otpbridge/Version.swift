import ArgumentParser
import CBuildInfo

/// The release and the commit this binary was built from.
enum BuildInfo {
  static let version = "0.1.0"
  static let commit = String(cString: otpbridge_build_commit())
  /// "0.1.0 (commit 6427411abcde)", as `--version` and `version` print it.
  static let line = "\(version) (commit \(commit))"
}

struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "version",
    abstract: "Print the version and the commit otpbridge was built from.",
    discussion: "The same as 'otpbridge --version'; with --json, for scripts and bug reports.")

  @Flag(help: "Print the release and the commit as JSON (docs/schema/version-v1.schema.json).")
  var json = false

  /// `version` is the document's version, as in every other command's JSON; `release` is otpbridge's.
  struct VersionJSON: Encodable {
    var commit: String
    var release: String
    var version = 1
  }

  func run() throws {
    if json {
      try printJSON(VersionJSON(commit: BuildInfo.commit, release: BuildInfo.version))
    } else {
      try printOutput("otpbridge \(BuildInfo.line)")
    }
  }
}
