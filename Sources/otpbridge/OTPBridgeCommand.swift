import ArgumentParser

struct OTPBridgeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "otpbridge",
    abstract: "Move two-factor (TOTP/HOTP) accounts between authenticator apps and password managers.",
    discussion: """
      Every conversion says, for each account, what was kept, changed or dropped, and stops before \
      losing anything unless you pass --allow-lossy. Passwords are read from a file, an environment \
      variable or a prompt, never from the command line.

      Exit codes: 0 ok; 1 findings at the --fail-on threshold, a refused lossy conversion or a \
      failed verify; 2 usage; 3 an input that cannot be read or decrypted; 4 an output that cannot \
      be written; 5 a tenant run in which some users failed.
      """,
    version: "otpbridge \(BuildInfo.line)",
    subcommands: [
      Formats.self, Inspect.self, Convert.self, Codes.self, Verify.self, AuditCommand.self, Tenant.self, Serve.self,
      Version.self,
    ]
  )
}
