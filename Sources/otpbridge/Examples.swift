import ArgumentParser

/// A command line a user can copy, run from the project's folder (it uses examples/), with the
/// exit code it ends with. Each is shown at the end of its command's --help and in the README, and
/// HelpCLITests runs them all, in this order, in one folder.
struct Example {
  var purpose: String
  var command: String
  var status: Int32 = 0
}

/// Examples at the end of each command's --help, as `op` and `bw` show them.
enum Examples {
  static func of(_ command: any ParsableCommand.Type) -> [Example] {
    switch command {
    case is OTPBridgeCommand.Type:
      return [
        Example(
          purpose: "Convert a list of otpauth links into an encrypted Aegis vault",
          command:
            "otpbridge convert examples/otpauth/accounts.txt --to aegis --new-password-file examples/aegis/password.txt -o vault.json"
        ),
        Example(
          purpose: "Find what cannot move to Google Authenticator, and why",
          command: "otpbridge audit examples/microsoft --target google-authenticator", status: 1),
      ]
    case is Formats.Type:
      return [
        Example(purpose: "Every format, with what it can hold", command: "otpbridge formats"),
        Example(
          purpose: "With the external plugins in a folder (docs/plugins.md)",
          command: "otpbridge formats --plugin-dir examples/plugins"),
      ]
    case is Inspect.Type:
      return [
        Example(purpose: "The accounts of an export, secrets masked", command: "otpbridge inspect examples/otpauth/accounts.txt"),
        Example(
          purpose: "An encrypted export, its password read from a file",
          command: "otpbridge inspect examples/aegis/vault-encrypted.json --password-file examples/aegis/password.txt"),
        Example(
          purpose: "As JSON for a script (docs/schema/inspect-v1.schema.json)",
          command: "otpbridge inspect examples/2fas/backup.2fas --json"),
      ]
    case is Convert.Type:
      return [
        Example(
          purpose: "Into an encrypted Aegis vault, with the loss report on standard error",
          command:
            "otpbridge convert examples/otpauth/accounts.txt --to aegis --new-password-file examples/aegis/password.txt -o vault.json"
        ),
        Example(
          purpose: "Into a KeePass database that KeePassXC, KeePass and KeePassDX open (HOTP changed: --allow-lossy)",
          command:
            "otpbridge convert examples/otpauth/accounts.txt --to keepass --new-password-file examples/aegis/password.txt -o vault.kdbx --allow-lossy"
        ),
        Example(
          purpose: "An otpauth list that never touches the disk unencrypted: inside a zip with a password",
          command:
            "otpbridge convert examples/otpauth/accounts.txt --to otpauth --archive zip --new-password-file examples/aegis/password.txt -o accounts.txt.zip"
        ),
        Example(
          purpose: "Into Google Authenticator transfer codes to scan, as PNG images",
          command: "otpbridge convert examples/otpauth/accounts.txt --to google-migration --allow-lossy --qr png qr-codes"),
        Example(
          purpose: "Refused: 2FAS cannot hold two of the periods, so nothing is written",
          command: "otpbridge convert examples/otpauth/accounts.txt --to 2fas -o backup.2fas --json", status: 1),
      ]
    case is Codes.Type:
      return [
        Example(purpose: "The current codes", command: "otpbridge codes examples/otpauth/accounts.txt"),
        Example(
          purpose: "At a given time, as JSON",
          command:
            "otpbridge codes examples/andotp/otp_accounts.json.aes --password-file examples/andotp/password.txt --at 1234567890 --json"
        ),
      ]
    case is Verify.Type:
      return [
        Example(
          purpose: "Check a converted vault against its source (after the convert example)",
          command:
            "otpbridge verify examples/otpauth/accounts.txt vault.json --converted-password-file examples/aegis/password.txt"),
        Example(
          purpose: "Each account's result as JSON",
          command:
            "otpbridge verify examples/otpauth/accounts.txt --against vault.json --converted-password-file examples/aegis/password.txt --json"
        ),
      ]
    case is AuditCommand.Type:
      return [
        Example(
          purpose: "What cannot move to Google Authenticator, Microsoft first",
          command: "otpbridge audit examples/microsoft examples/otpauth/with-problems.txt --target google-authenticator",
          status: 1),
        Example(
          purpose: "A folder as SARIF for a code-scanning view, whatever it finds",
          command: "otpbridge audit examples --sarif --fail-on never > audit.sarif"),
      ]
    case is TenantMigrate.Type:
      return [
        Example(
          purpose: "The example tenant, passwords from the variables its manifest names (dave's export is missing)",
          command:
            "ERIN_EXPORT_PASSWORD=example ERIN_NEW_PASSWORD=new-example otpbridge tenant migrate examples/tenant/manifest.csv --out tenant-run --to otpauth",
          status: 5),
        Example(
          purpose: "After a crash or a fix, continue where it stopped",
          command:
            "ERIN_EXPORT_PASSWORD=example ERIN_NEW_PASSWORD=new-example otpbridge tenant migrate examples/tenant/manifest.csv --out tenant-run --to otpauth --resume",
          status: 5),
      ]
    case is TenantMerge.Type:
      return [
        Example(
          purpose: "Combine the reports of shards (here one) into one JSON and one HTML report",
          command: "otpbridge tenant merge tenant-run/report.json -o merged.json", status: 5)
      ]
    case is Serve.Type:
      // They run until the page says Done: ServeTests runs the server and drives its page.
      return [
        Example(purpose: "Open the page in your browser; it stops when you press Done", command: "otpbridge serve"),
        Example(
          purpose: "Only print the page's address (to open it in a browser yourself)",
          command: "otpbridge serve --no-open --idle-minutes 10"),
      ]
    case is Version.Type:
      return [Example(purpose: "The version and commit, for a bug report", command: "otpbridge version --json")]
    default:
      return []
    }
  }

  /// The EXAMPLES section that ends a command's help.
  static func section(for command: any ParsableCommand.Type) -> String {
    let examples = of(command)
    guard !examples.isEmpty else { return "" }
    return "\nEXAMPLES:\n"
      + examples.map { example in
        let exit = example.status == 0 ? "" : " (exit \(example.status))"
        return "  # \(example.purpose)\(exit)\n  $ \(example.command)\n"
      }.joined(separator: "\n")
  }
}
