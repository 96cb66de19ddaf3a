import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// What every format promises (docs/architecture.md, "The plugin contract"), checked in one place
/// for each format of `Registry.builtIn.listed`, so a plugin's own tests need only what is
/// particular to it:
///
/// 1. a file its writer made (a few accounts that fit its capabilities) is recognised by its own
///    `sniff` as `.certain` (`.likely` for the formats `likelyOnly` names), and the registry picks
///    that format for it;
/// 2. it reads back to the same accounts, giving the same codes, with no warning the format does
///    not list (`readerWarnings`); a writer's finding is one `writerFindings` lists, with the
///    fields it may change;
/// 3. an encrypted one opens with its password only: a wrong one is `wrongPassword`, none is
///    `passwordRequired`;
/// 4. a damaged file (cut in half, bytes flipped in the middle) either reads or fails with an
///    `OTPError` that names the file, never with another error or a crash;
/// 5. its descriptor is sane: finding codes in UPPER_SNAKE_CASE, and a writer takes an empty list
///    (and reads that file back) or refuses it with an `OTPError`.
///
/// Formats that only read are checked on a sample file of theirs (`sample(_:)`) for 1 and 4.
/// RoundTripPropertyTests goes further on 2 with many random accounts of the whole model.
@Suite struct FormatContractTests {
  /// Writers configured as a user would: entra-csv needs the user's UPN (`convert --upn`).
  static let registry = Registry.builtIn.applying(WriterSettings(upn: "user@example.com"))
  static let formats = Registry.builtIn.listed.map(\.descriptor.id)
  static let readWriteFormats = Registry.builtIn.listed.filter { $0.descriptor.canRead && $0.descriptor.canWrite }.map(
    \.descriptor.id)
  static let encryptingFormats = Registry.builtIn.listed
    .filter { $0.descriptor.canRead && $0.descriptor.canWrite && $0.descriptor.writtenEncryption != .none }.map(\.descriptor.id)

  static let password = "contract pässword 🔐"
  static let wrongPassword = "contract pässword 🔓"

  // MARK: Exceptions, each with its reason

  /// Formats whose own files are recognised as `.likely`, not `.certain`, and why.
  static let likelyOnly: [String: String] = [
    "andotp": "an encrypted backup is told by its .json.aes name only",
    "proton": "the encrypted form holds only version, salt and content, which other formats could too",
    "seed-csv": "a generic CSV of serial and secret columns, which other vendors' files could have too",
    "archive": "gzip, bzip2 and tar say nothing of what they hold (and a zip is only .possible, so apps' own zips win)",
  ]

  /// Written files named otherwise than `contract.<the format's first extension>`, because the
  /// format tells them only by the name their app gives them.
  static let encryptedFileNames: [String: (name: String, reason: String)] = [
    "andotp": (
      "contract.json.aes",
      "an encrypted andOTP backup has no magic bytes (formats.md §7.2), only the .json.aes name andOTP gives it; under another name its sniff is .possible"
    )
  ]

  /// Formats whose files keep the accounts of a group together, so that accounts read back in
  /// another order than written, and why.
  static let regrouping: [String: String] = [
    "keepass": "a KeePass group holds its entries, so entries read back group by group",
    "proton-pass": "a Proton Pass vault holds its items, so items read back vault by vault",
  ]

  /// Formats that put every account in a group, so that an account written without one comes
  /// back in the format's own (as the loss report's read-back check allows: a value filled in where
  /// there was none is no loss), and why.
  static let fillsGroups: [String: String] = [
    "proton-pass": "every Proton Pass item is in a vault: accounts without a group go to the vault Imported"
  ]

  /// Failures of the contract that are bugs not fixed yet: the format, a text that the failures'
  /// messages contain, and the bug. Each shows as a known issue, and the test fails once the bug
  /// is fixed, so that the entry is removed.
  static let knownBugs: [String: (matching: String, bug: String)] = [:]

  /// Runs `body`, where a known bug of `format` may make expectations fail.
  static func expectingKnownBugs(of format: String, _ body: () -> Void) {
    guard let known = knownBugs[format] else { return body() }
    withKnownIssue(Comment(rawValue: known.bug)) {
      body()
    } matching: { issue in
      issue.comments.contains { $0.rawValue.contains(known.matching) }
    }
  }

  // MARK: The files checked

  /// A few accounts that fit `descriptor` (the loss report keeps them all: RoundTripPropertyTests).
  static func accounts(fitting descriptor: FormatDescriptor) -> [Account] {
    LossReport(accounts: RandomAccounts.make(count: 6, fitting: descriptor.capabilities, seed: 15), target: descriptor)
      .convertedAccounts
  }

  static func fileName(_ descriptor: FormatDescriptor, encrypted: Bool) -> String {
    if encrypted, let exception = encryptedFileNames[descriptor.id] { return exception.name }
    return "contract.\(descriptor.fileExtensions.first ?? "txt")"
  }

  /// A file `plugin` wrote, the accounts in it, and what the writer said in findings.
  struct Written {
    var file: InputFile
    var accounts: [Account]
    var findings: [Finding]
    var password: String?
  }

  /// The findings a writer may give accounts that fit its capabilities, and the fields of such an
  /// account that may then read back otherwise. Any other writer finding fails the contract.
  static let writerFindings: [String: Set<String>] = [
    // --upn fills the user, and Entra's required serial number and model are filled in.
    "ENTRA_CELLS_FILLED": ["name", "extraParameters"],
    // The contract's password is not ASCII on purpose: 2FAS for iOS could not open the file.
    "TWOFAS_PASSWORD_NOT_ASCII": [],
    // Whether the Passwords app imports a row without a website is unconfirmed: the writer says so.
    "APPLE_PASSWORDS_NO_WEBSITE": [],
  ]

  /// The warnings a reader gives on a file its own writer made, by format. Any other warning or
  /// error fails the contract: a writer must not make what its reader complains about.
  static let readerWarnings: [String: Set<String>] = [
    // Every Entra token file is a file of live credentials.
    "entra-csv": ["ENTRA_TOKEN_FILE"],
    // andOTP has no field for an mOTP PIN (the loss report drops it); the reader says the codes need it.
    "andotp": ["ANDOTP_MOTP_WITHOUT_PIN"],
  ]

  static func written(by plugin: any FormatPlugin, encrypted: Bool) throws -> Written {
    let accounts = accounts(fitting: plugin.descriptor)
    let name = fileName(plugin.descriptor, encrypted: encrypted)
    let password = encrypted ? Self.password : nil
    let result = try plugin.write(accounts, context: WriteContext(newPassword: .fixed(password), outputName: name))
    // A folder (SDA's maFiles): its first file of accounts, which holds the first account.
    if let first = result.files.first(where: \.holdsAccounts) {
      return Written(
        file: InputFile(name: name + "/" + first.name, bytes: first.bytes), accounts: Array(accounts.prefix(1)),
        findings: result.findings, password: password)
    }
    return Written(
      file: InputFile(name: name, bytes: result.bytes), accounts: accounts, findings: result.findings, password: password)
  }

  /// A file of each format that only reads.
  static func sample(_ format: String) throws -> InputFile {
    switch format {
    case "ms-authenticator": return try Vectors.input("aegis/importers/microsoft_authenticator.sqlite")
    case "google-authenticator-db": return try Vectors.input("aegis/importers/google_authenticator.sqlite")
    case "duo": return try Vectors.input("aegis/importers/duo.json")
    case "battle-net": return try Vectors.input("aegis/importers/battle_net_authenticator.xml")
    case "steam-mafile": return try Vectors.input("aegis/importers/steam_old.json")
    case "freeotp-tokens": return try Vectors.input("aegis/importers/freeotp.xml")
    case "stratum": return try Vectors.input("aegis/importers/stratum_plain.json")
    case "authy": return try Vectors.input("aegis/importers/authy_plain.xml")
    case "totp-authenticator": return try Vectors.input("aegis/importers/totp_authenticator_internal.xml")
    case "freeotp": return try Vectors.input("aegis/importers/freeotp_v2_api34.xml")
    case "apple-passwords":
      return InputFile(
        name: "Passwords.csv",
        bytes: Array(
          "Title,URL,Username,Password,Notes,OTPAuth\nA,,a,,,otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n".utf8))
    case "lastpass": return try Vectors.input("stratum/data/lastpass.json")
    case "nordpass-csv":
      return InputFile(
        name: "nordpass.csv",
        bytes: Array(
          "name,url,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,type\nA,https://a.example,a,pw,,,,,,,,,,,,,,,,password\n"
            .utf8))
    case "keeper-csv":
      return InputFile(
        name: "keeper.csv",
        bytes: Array(
          "\"Web\",\"A\",\"a\",\"\",\"\",\"\",\"\",\"TFC:Keeper\",\"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\"\n".utf8)
      )
    case "authenticator-plus": return try Vectors.input("aegis/importers/authenticator_plus.zip")
    case "1pux": return try Vectors.input("keepassxc/tests/data/1PasswordExport.1pux")
    case "lastpass-csv":
      return InputFile(
        name: "lastpass.csv",
        bytes: Array("url,username,password,totp,extra,name,grouping,fav\nhttps://a,a,,JBSWY3DPEHPK3PXP,,A,,0\n".utf8))
    case "dashlane-csv":
      return InputFile(
        name: "credentials.csv",
        bytes: Array("username,username2,username3,title,password,note,url,category,otpSecret\na,,,A,,,,,JBSWY3DPEHPK3PXP\n".utf8)
      )
    case "enpass":
      return InputFile(
        name: "enpass.json",
        bytes: Array(
          #"{"folders":[],"items":[{"title":"A","template_type":"login.default","fields":[{"type":"totp","value":"JBSWY3DPEHPK3PXP"}]}]}"#
            .utf8))
    case "proton-pass":
      return InputFile(
        name: "data.json",
        bytes: Array(
          #"{"version":"1.21","userId":"u","encrypted":false,"vaults":{"s":{"name":"V","items":[{"state":1,"data":{"type":"login","metadata":{"name":"A"},"content":{"itemUsername":"a","totpUri":"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"}}}]}}}"#
            .utf8))
    case "opvault":
      // Under its full path: the band files beside it hold the items.
      let profile = "keepassxc/tests/data/keepassxc.opvault/default/profile.js"
      return InputFile(name: Vectors.path(profile), bytes: try Vectors.input(profile).bytes)
    case "archive":
      // An otpauth line compressed with gzip (Python's gzip.compress, mtime 0).
      return InputFile(
        name: "accounts.txt.gz",
        bytes: Array(
          Data(base64Encoded: "H4sIAAAAAAACA8svKUgsLcmw0tcvyS8p0He0SrQvTk0uSi2x9XIKDo80dglw9QjwNg6ICFDLLC4uTS2ydeQCAAGd/f00AAAA")!
        ))
    case "qr":
      let path = Vectors.packageRoot.appendingPathComponent("Tests/QRTests/Fixtures/screenshot-code-1-of-3.png")
      return InputFile(name: "screenshot-code-1-of-3.png", bytes: Array(try Data(contentsOf: path)))
    case "seed-csv":
      return InputFile(
        name: "seeds.csv",
        bytes: Array("serial,secret\nTOTP-0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\nTOTP-0002,JBSWY3DPEHPK3PXP\n".utf8))
    default: throw NoSample(format: format)
    }
  }

  struct NoSample: Error, CustomStringConvertible {
    var format: String
    var description: String { "\(format) does not write: FormatContractTests.sample(_:) needs a file of it" }
  }

  /// Every file of `plugin` the checks look at, with the password it needs: what it writes, plain
  /// and encrypted, or its sample.
  static func files(of plugin: any FormatPlugin) throws -> [(file: InputFile, password: String?)] {
    let descriptor = plugin.descriptor
    guard descriptor.canWrite else { return [(try sample(descriptor.id), nil)] }
    var files: [(file: InputFile, password: String?)] = []
    for encrypted in [false, true]
    where encrypted ? descriptor.writtenEncryption != .none : descriptor.writtenEncryption != .required {
      let written = try written(by: plugin, encrypted: encrypted)
      files.append((written.file, written.password))
    }
    return files
  }

  /// Reading as the CLI does: the password at hand, and what a container holds read through the registry.
  static func readContext(password: String?) -> ReadContext {
    ReadContext(
      password: .fixed(password),
      nestedReader: { input, context in try registry.reader(for: input, from: nil).read(input, context: context) })
  }

  /// `back` holds `written` (every field the property test compares but the origin, and the same
  /// codes), with no entry skipped and no error (what the read-back check of `convert` requires).
  static func expectSame(
    _ back: ReadResult, _ written: Written, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let format = try? Self.registry.reader(for: written.file, from: nil).descriptor.id
    let expected = format.flatMap { Self.readerWarnings[$0] } ?? []
    let complaints = back.findings.filter {
      $0.entrySkipped || ($0.severity >= .warning && !expected.contains($0.code))
    }
    #expect(
      complaints.isEmpty, "\(what): skipped entries or warnings on reading back: \(complaints)", sourceLocation: sourceLocation)
    var exempt: [Origin: Set<String>] = [:]
    if let format, fillsGroups[format] != nil {
      for account in written.accounts where account.groups.isEmpty { exempt[account.origin, default: []].insert("groups") }
    }
    for finding in written.findings {
      guard let fields = Self.writerFindings[finding.code] else {
        Issue.record("\(what): an unexpected writer finding: \(finding)", sourceLocation: sourceLocation)
        continue
      }
      if let origin = finding.origin { exempt[origin, default: []].formUnion(fields) }
    }
    let backAccounts =
      format.map { RoundTripPropertyTests.inWrittenOrder(back.accounts, written.accounts, format: $0) } ?? back.accounts
    let differences = accountDifferences(backAccounts, written.accounts, exempt: exempt)
    #expect(differences.isEmpty, "\(what): \(differences)", sourceLocation: sourceLocation)
    let verification = Verification.compare(
      source: written.accounts, converted: back.accounts, instants: Verification.instants(now: 1_700_000_000))
    #expect(verification.passed, "\(what): \(verification.problems.prefix(3))", sourceLocation: sourceLocation)
  }

  // MARK: 1. Recognised as itself

  @Test(arguments: formats)
  func writtenFilesAreRecognisedAsTheirFormat(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    // A format that only writes has nothing to recognise (no built-in is one).
    guard plugin.descriptor.canRead else { return }
    for (file, _) in try Self.files(of: plugin) {
      let confidence = plugin.sniff(file)
      let least: SniffConfidence = Self.likelyOnly[format] == nil ? .certain : .likely
      #expect(confidence >= least, "\(format): its own sniff gives \(file.name) \(confidence)")
      let picked = try Self.registry.reader(for: file, from: nil).descriptor.id
      #expect(picked == format, "\(format): the registry takes \(file.name) for \(picked)")
    }
    // An exception stays only while it is needed.
    if plugin.descriptor.canWrite, let exception = Self.encryptedFileNames[format] {
      let bytes = try Self.written(by: plugin, encrypted: true).file.bytes
      let plainName = InputFile(name: "contract.\(plugin.descriptor.fileExtensions.first ?? "txt")", bytes: bytes)
      #expect(plugin.sniff(plainName) < .likely, "\(format): no longer needs the name \(exception.name)")
    }
  }

  // MARK: 2. Reads back to the same accounts

  @Test(arguments: readWriteFormats)
  func writtenAccountsReadBackWithTheSameCodes(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    let written = try Self.written(by: plugin, encrypted: plugin.descriptor.writtenEncryption == .required)
    // A folder format's first file holds one account.
    #expect(written.accounts.count == (plugin.descriptor.writesFolder ? 1 : 6))
    let back = try plugin.read(written.file, context: Self.readContext(password: written.password))
    Self.expectingKnownBugs(of: format) { Self.expectSame(back, written, "\(format): \(written.file.name)") }
  }

  // MARK: 3. Encrypted files open with their password only

  @Test(arguments: encryptingFormats)
  func encryptedFilesOpenOnlyWithTheirPassword(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    let written = try Self.written(by: plugin, encrypted: true)
    let file = written.file
    let text = String(decoding: file.bytes, as: UTF8.self)
    for account in written.accounts {
      let secret = account.secret.bytes
      for shown in [account.secret.revealBase32(), Hex.encode(secret), Data(secret).base64EncodedString()] {
        #expect(!text.contains(shown), "\(format): a secret is in the encrypted file as it is")
      }
    }
    let back = try plugin.read(file, context: Self.readContext(password: Self.password))
    Self.expectingKnownBugs(of: format) { Self.expectSame(back, written, "\(format): \(file.name)") }
    #expect(throws: OTPError.wrongPassword(file: file.name), "\(format)") {
      try plugin.read(file, context: Self.readContext(password: Self.wrongPassword))
    }
    #expect(throws: OTPError.passwordRequired(file: file.name), "\(format)") {
      try plugin.read(file, context: Self.readContext(password: nil))
    }
  }

  // MARK: 4. Damage is an OTPError that names the file

  /// `bytes` cut in half, one bit flipped in the middle, and 16 bytes inverted in the middle.
  static func damaged(_ bytes: [UInt8]) -> [(how: String, bytes: [UInt8])] {
    let middle = bytes.count / 2
    var bit = bytes
    var run = bytes
    if !bytes.isEmpty {
      bit[middle] ^= 0x01
      for index in max(0, middle - 8)..<min(bytes.count, middle + 8) { run[index] ^= 0xFF }
    }
    return [("half", Array(bytes.prefix(middle))), ("bit", bit), ("run", run)]
  }

  @Test(arguments: formats)
  func damagedFilesFailWithAnOTPErrorNamingTheFile(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    guard plugin.descriptor.canRead else { return }
    for (file, password) in try Self.files(of: plugin) {
      let base = file.name.split(separator: "/").last.map(String.init) ?? file.name
      for (how, bytes) in Self.damaged(file.bytes) {
        let name = "damaged-\(how)-\(base)"
        do {
          // Reading what is left is fine: a text list cut at a line end is a shorter list.
          _ = try plugin.read(InputFile(name: name, bytes: bytes), context: Self.readContext(password: password))
        } catch let error as OTPError {
          #expect(error.description.contains(name), "\(format): the error for \(name) does not name it: \(error)")
        } catch {
          Issue.record("\(format): \(name) threw \(type(of: error)), not an OTPError: \(error)")
        }
      }
    }
  }

  // MARK: 5. Descriptor

  @Test(arguments: formats)
  func descriptorIsSane(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    let descriptor = plugin.descriptor
    for code in descriptor.findingCodes {
      #expect(code.wholeMatch(of: /[A-Z][A-Z0-9]*(_[A-Z0-9]+)*/) != nil, "\(format): finding code \(code)")
    }
    guard descriptor.canWrite else {
      #expect(throws: OTPError.cannotWrite(format: format)) { try plugin.write([], context: WriteContext()) }
      return
    }
    let passwords: [String?] =
      descriptor.writtenEncryption == .required
      ? [Self.password] : descriptor.writtenEncryption == .none ? [nil] : [nil, Self.password]
    for password in passwords {
      let name = Self.fileName(descriptor, encrypted: password != nil)
      let written: WriteResult
      do {
        written = try plugin.write([], context: WriteContext(newPassword: .fixed(password), outputName: name))
      } catch let error as OTPError {
        // Refusing is allowed, with a message.
        #expect(!error.description.isEmpty, "\(format)")
        continue
      } catch {
        Issue.record("\(format): writing no accounts threw \(type(of: error)), not an OTPError: \(error)")
        continue
      }
      // Written: the file reads back to no accounts (the conversion's read-back check reads it).
      do {
        let back = try plugin.readWritten(written, name: name, context: Self.readContext(password: password))
        #expect(back.accounts.isEmpty && !back.findings.contains(where: \.entrySkipped), "\(format): \(back.findings)")
      } catch {
        Issue.record("\(format) writes an empty list\(password == nil ? "" : " encrypted") it cannot read back: \(error)")
      }
    }
  }
}
