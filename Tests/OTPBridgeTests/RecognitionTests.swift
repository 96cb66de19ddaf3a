import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// Every file a writer makes is recognised, without `--from`, as the format that wrote it, at any
/// size and whatever it holds: 1, 1,000 and 20,000 accounts, plain and encrypted, and with large
/// icons and notes at both ends of the file where the format holds them (a sniffer that looked
/// for a member in a prefix or at the two ends would miss it behind them). No other format may
/// claim the file with more confidence.
@Suite struct RecognitionTests {
  static let registry = FormatContractTests.registry

  struct Case: Sendable, CustomTestStringConvertible {
    var format: String
    var count: Int
    var encrypted: Bool
    var large: Bool
    var testDescription: String {
      "\(format), \(count) account(s)\(encrypted ? ", encrypted" : "")\(large ? ", large icons and notes" : "")"
    }
  }

  static let cases: [Case] = Registry.builtIn.listed.map(\.descriptor)
    .filter { $0.canRead && $0.canWrite }
    .flatMap { descriptor -> [Case] in
      let encryption: [Bool] =
        switch descriptor.writtenEncryption {
        case .none: [false]
        case .optional: [false, true]
        case .required: [true]
        }
      let holdsLargeValues = !descriptor.capabilities.fields.isDisjoint(with: [.icon, .note])
      return encryption.flatMap { encrypted in
        [1, 1_000, 20_000].map { Case(format: descriptor.id, count: $0, encrypted: encrypted, large: false) }
          + (holdsLargeValues ? [Case(format: descriptor.id, count: 1_000, encrypted: encrypted, large: true)] : [])
      }
    }

  /// A 256 KiB PNG icon as Aegis holds one, and a note of 200,000 characters.
  static let largeIcon =
    "data:image/png;base64,"
    + Data((0..<262_144).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    .base64EncodedString()
  static let largeNote = String(repeating: "recovery code 1234-5678\n", count: 8_334)

  static func accounts(for descriptor: FormatDescriptor, _ testCase: Case) -> [Account] {
    var accounts = RandomAccounts.make(count: testCase.count, fitting: descriptor.capabilities, seed: 24)
    if testCase.large {
      for index in Set([accounts.startIndex, accounts.endIndex - 1]) {
        accounts[index].icon = largeIcon
        accounts[index].note = largeNote
      }
    }
    // What the format cannot hold is fitted as a conversion would fit it.
    return LossReport(accounts: accounts, target: descriptor).convertedAccounts
  }

  /// Formats whose files compress what they hold, so that the large values need not make them
  /// large, and why.
  static let compressing: [String: String] = [
    "keepass": "a KeePass database gzips its XML, and the large values repeat",
    "proton-pass": "Proton Pass's zip deflates data.json (OpenPGP compresses data.pgp), and the large values repeat",
  ]

  @Test(arguments: cases)
  func writtenFilesAreRecognisedAsTheFormatThatWroteThem(_ testCase: Case) throws {
    let plugin = try Self.registry.plugin(id: testCase.format)
    let descriptor = plugin.descriptor
    let accounts = Self.accounts(for: descriptor, testCase)
    let written = try plugin.write(
      accounts,
      context: WriteContext(
        newPassword: .fixed(testCase.encrypted ? FormatContractTests.password : nil),
        outputName: FormatContractTests.fileName(descriptor, encrypted: testCase.encrypted)))
    // A folder (SDA's maFiles): its first file of accounts.
    let folderFile = written.files.first(where: \.holdsAccounts)
    let file = InputFile(
      name: FormatContractTests.fileName(descriptor, encrypted: testCase.encrypted) + (folderFile.map { "/" + $0.name } ?? ""),
      bytes: folderFile?.bytes ?? written.bytes)
    if testCase.large, folderFile == nil, Self.compressing[testCase.format] == nil {
      // The large values are in the file (as written, or encrypted with the rest).
      #expect(file.bytes.count > 250_000, "\(testCase): only \(file.bytes.count) bytes")
    }

    let own = plugin.sniff(file)
    let least: SniffConfidence = FormatContractTests.likelyOnly[testCase.format] == nil ? .certain : .likely
    #expect(own >= least, "\(testCase): its own sniff gives \(own)")
    for other in Self.registry.listed where other.descriptor.id != testCase.format && other.descriptor.canRead {
      let claim = other.sniff(file)
      #expect(claim <= own, "\(testCase): \(other.descriptor.id) claims it as \(claim), above \(own)")
    }
    #expect(try Self.registry.reader(for: file, from: nil).descriptor.id == testCase.format, "\(testCase)")
  }

  /// Text formats are told by their first line with text on it, however much blank and comment
  /// text comes before it or however long the line is; XML by its root element, after any prolog.
  @Test(arguments: [
    (
      "otpauth",
      String(repeating: "# exported by a script\n\n", count: 2_000) + "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A\n"
    ),
    (
      "google-migration", String(repeating: "#\r\n", count: 5_000) + "otpauth-migration://offline?data=CgcKAQESAmFiEAEYAQ%3D%3D\n"
    ),
    (
      "ente",
      "\n\notpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A&period=30&note=" + String(repeating: "x", count: 20_000)
        + "&codeDisplay=%7B%22pinned%22%3Afalse%7D\n"
    ),
    (
      "bitwarden-csv",
      "\u{FEFF}\r\n" + "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n"
    ),
    (
      "pskc",
      "<?xml version=\"1.0\"?>\n<!-- " + String(repeating: "KeyContainer? not yet. ", count: 1_000) + "-->\n"
        + "<!DOCTYPE x [<!ENTITY e \"<>\">]>\n<p:KeyContainer xmlns:p=\"urn:ietf:params:xml:ns:keyprov:pskc\" Version=\"1.0\"></p:KeyContainer>"
    ),
  ])
  func textFormatsAreToldByTheirFirstLineOrRoot(format: String, text: String) throws {
    let file = InputFile(name: "input", bytes: Array(text.utf8))
    #expect(try Self.registry.reader(for: file, from: nil).descriptor.id == format)
  }

  @Test func firstLineSkipsBlankAndCommentLinesByBytes() {
    let file = InputFile(name: "x", bytes: Array("\u{FEFF} \r\n\t\n# a comment\n  first line \r\nsecond".utf8))
    #expect(file.firstLine(skippingLinesStartingWith: UInt8(ascii: "#")) == "first line")
    #expect(file.firstLine() == "# a comment")
    #expect(file.firstLine(limit: 3) == "# a")
    #expect(
      InputFile(name: "x", bytes: Array(" \n\n#x".utf8)).firstLineRange(skippingLinesStartingWith: UInt8(ascii: "#")) == nil)
    #expect(InputFile(name: "x", bytes: [0x41, 0xFF, 0x0A]).firstLine() == nil)
    // Old Mac files end lines with a lone CR, Windows files with CRLF.
    let mac = InputFile(name: "x", bytes: Array("# comment\r\rfirst\rsecond,codeDisplay=x\r".utf8))
    #expect(mac.firstLine(skippingLinesStartingWith: UInt8(ascii: "#")) == "first")
    #expect(InputFile(name: "x", bytes: Array("\r\nheader,a\r\nrow".utf8)).firstLine() == "header,a")
  }

  /// A CSV saved with old Mac line ends is still told by its header line, and Ente's codeDisplay
  /// on a later line does not make a plain list Ente's.
  @Test func loneCRLinesAreLines() throws {
    let entra = InputFile(
      name: "tokens.csv",
      bytes: Array("upn,serial number,secret key,time interval,manufacturer,model\rme@example.com,1,JBSWY3DP,30,X,Y\r".utf8))
    #expect(try Self.registry.reader(for: entra, from: nil).descriptor.id == "entra-csv")
    let list = InputFile(
      name: "list",
      bytes: Array(
        "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\rotpauth://totp/C:d?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%7D\r".utf8))
    #expect(try Self.registry.reader(for: list, from: nil).descriptor.id == "otpauth")
  }
}
