import OTPCore
import Testing

/// Expects `read` to be `written`, account by account, in every field but the origin (which
/// names the file each was read from).
public func expectSameAccounts(_ written: [Account], _ read: [Account], sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(read.count == written.count, sourceLocation: sourceLocation)
  for (a, b) in zip(written, read) {
    var moved = b
    moved.origin = a.origin
    #expect(moved == a, "\(a.displayName)", sourceLocation: sourceLocation)
  }
}

extension PasswordProvider {
  /// Always gives `text` (nil: no password), for tests.
  public static func fixed(_ text: String?) -> PasswordProvider {
    PasswordProvider { _ in text }
  }
}

/// Reads `bytes` back with `plugin`, as file `name`, with `password` at hand.
public func readBack(_ bytes: [UInt8], with plugin: any FormatPlugin, name: String, password: String? = nil) throws -> ReadResult {
  try plugin.read(InputFile(name: name, bytes: bytes), context: ReadContext(password: .fixed(password)))
}

/// Writes `accounts` encrypted with `password`, then expects a wrong password to be
/// `wrongPassword`, none to be `passwordRequired`, and the right one to give the accounts back.
public func expectOpensOnlyWithItsPassword(
  _ plugin: any FormatPlugin, _ accounts: [Account], password: String, wrong: String, name: String,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let written = try plugin.write(accounts, context: WriteContext(newPassword: .fixed(password)))
  #expect(throws: OTPError.wrongPassword(file: name), sourceLocation: sourceLocation) {
    try readBack(written.bytes, with: plugin, name: name, password: wrong)
  }
  #expect(throws: OTPError.passwordRequired(file: name), sourceLocation: sourceLocation) {
    try readBack(written.bytes, with: plugin, name: name)
  }
  expectSameAccounts(accounts, try readBack(written.bytes, with: plugin, name: name, password: password).accounts, sourceLocation: sourceLocation)
}
