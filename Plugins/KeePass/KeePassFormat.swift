import Foundation
import LoginItems
import OTPCore
import OTPCrypto

/// A KeePass database (KDBX 3.1 and 4.x), as KeePass 2, KeePassXC, KeePassDX and Strongbox keep
/// them: read with a password, a key file or both; written as KDBX 4 (AES-256, Argon2id) with
/// each account's `otp` URI for KeePassXC and KeePassDX and KeePass 2.51's `TimeOtp-*` fields.
public struct KeePassFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "keepass",
    displayName: "KeePass database (KDBX)",
    fileExtensions: ["kdbx"],
    canRead: true,
    canWrite: true,
    encryption: .required,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 1...10,
      periods: .range(1...86_400),
      fields: [.issuer, .name, .counter, .note, .groups, .extraParameters],
      // KeePassXC reads no HOTP; KeePass's HmacOtp-* fields hold SHA-1 and 6 digits only.
      kindForms: [
        .hotp: KindForm(
          shape: "KeePass's HmacOtp-* fields", fields: [.issuer, .name, .counter, .note, .groups, .extraParameters])
      ],
      text: .noControlCharacters),
    summary: "KeePass database (KDBX 3.1/4), with a password and/or key file; written as KDBX 4 (AES-256, Argon2id).",
    findingCodes: KeePassCode.codes)

  /// What the writer asks of Argon2id: KeePassXC's memory and lanes for a new database, and
  /// passes that take about a second here.
  static let writtenKDF = (iterations: UInt64(10), memoryBytes: UInt64(64 << 20), parallelism: UInt32(2))

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let start = input.bytes.prefix(8)
    guard start.count == 8 else { return .no }
    let first = LittleEndianReader.number(start.prefix(4)), second = LittleEndianReader.number(start.suffix(4))
    return first == KDBXHeader.signature1 && (second >> 8 == KDBXHeader.signature2 >> 8) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let file = input.name
    // Parsed first: an unsupported version or a damaged header says so before a password is asked.
    let header = try KDBXHeader.parse(input.bytes, file: file)
    let keyFile = context.keyFile
    let password = try context.password.password(for: file)
    if password == nil, keyFile == nil { throw OTPError.passwordRequired(file: file) }
    let opened: KDBXCrypto.Opened
    do {
      // With a key file, an empty password may mean "no password" (KeePass tells the two apart).
      let first = keyFile != nil && password == "" ? nil : password
      opened = try KDBXCrypto.open(
        input.bytes, header: header, password: first, keyFile: keyFile, limits: context.budgetedLimits, file: file)
    } catch OTPError.wrongPassword(let file, let hint) where keyFile != nil && password == "" {
      do {
        opened = try KDBXCrypto.open(
          input.bytes, header: header, password: "", keyFile: keyFile, limits: context.budgetedLimits, file: file)
      } catch OTPError.wrongPassword {
        throw OTPError.wrongPassword(file: file, hint: hint)
      }
    }
    context.budget?.spend(decompressedBytes: opened.xml.count)
    let document = try KDBXDocument.parse(opened, file: file)
    var result = ReadResult(accounts: [], findings: [LoginItem.passwordsNotRead(file: file)])
    var withoutOTP = 0
    for entry in document.entries {
      guard let form = KeePassOTPFields.form(of: entry.fields) else {
        withoutOTP += 1
        continue
      }
      let origin = Origin(file: file, place: .entry(entry.number))
      let url = entry.fields["URL"] ?? ""
      let item = LoginItem(
        title: entry.fields["Title"] ?? "", username: entry.fields["UserName"] ?? "", urls: url.isEmpty ? [] : [url],
        otp: entry.fields[KeePassOTPFields.otp] ?? "", note: entry.fields["Notes"] ?? "",
        groups: entry.group.isEmpty ? [] : [entry.group])
      result.readEntry(at: origin, classifying: { item.otp }, label: item.title.isEmpty ? nil : item.title) {
        warnings throws(EntryProblem) in
        let parsed = item.completed(try KeePassOTPFields.parse(form, fields: entry.fields, item: item, origin: origin))
        warnings = parsed.warnings
        return parsed.account
      }
    }
    if let finding = LoginItem.itemsWithoutOTP(withoutOTP, file: file) { result.findings.append(finding) }
    if document.recycled > 0 {
      result.findings.append(
        Finding(
          .info, code: KeePassCode.recycleBin,
          "\(document.recycled) entr\(document.recycled == 1 ? "y is" : "ies are") in the recycle bin and \(document.recycled == 1 ? "was" : "were") not read: KeePass keeps deleted entries there",
          at: Origin(file: file, place: .whole)))
    }
    if opened.header.major < 4 {
      result.findings.append(
        Finding(
          .info, code: KeePassCode.oldVersion, "the database is KDBX \(opened.header.major).\(opened.header.minor)",
          at: Origin(file: file, place: .whole),
          remedy: "Saving it in a current KeePass or KeePassXC as KDBX 4 gives it Argon2 and HMAC-checked blocks."))
    }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    guard let password = try context.newPassword.password(for: context.outputName) else {
      throw OTPError.invalidArgument(
        "a KeePass database is always encrypted: give its new password with --new-password-file or --new-password-env, or run on a terminal to be asked"
      )
    }
    var findings: [Finding] = []
    var entries: [KDBXDocumentWriter.Entry] = []
    for account in accounts {
      let item = LoginItem(account: account, urlSlots: 1)
      if let finding = LoginItem.oneGroup(account, code: KeePassCode.oneGroup, entry: "a KeePass entry") {
        findings.append(finding)
      }
      var fields = [
        KDBXDocumentWriter.Field(key: "Title", value: item.title, protected: false),
        .init(key: "UserName", value: item.username, protected: false),
        .init(key: "Password", value: "", protected: true),
        .init(key: "URL", value: item.urls.first ?? "", protected: false),
        .init(key: "Notes", value: item.note, protected: false),
      ]
      fields += KeePassOTPFields.fields(for: account, otpauth: item.otp).map {
        .init(key: $0.key, value: $0.value, protected: $0.protected)
      }
      let path = item.groups.first.map { $0.split(separator: "/", omittingEmptySubsequences: true).map(String.init) } ?? []
      entries.append(KDBXDocumentWriter.Entry(fields: fields, group: path))
    }
    let innerKey = Cipher.randomBytes(64)
    var writer = KDBXDocumentWriter(stream: KDBXDocument.InnerStream(kind: .chacha20, key: innerKey), now: Date())
    let xml = try writer.document(entries, databaseName: "Root")
    let kdf = KDBXHeader.KDF.argon2(
      variant: .id, salt: Cipher.randomBytes(32), iterations: Self.writtenKDF.iterations,
      memoryBytes: Self.writtenKDF.memoryBytes,
      parallelism: Self.writtenKDF.parallelism, version: 0x13)
    let bytes = try KDBXCrypto.seal(xml: xml, innerStreamKey: innerKey, password: password, cipher: .aes256, kdf: kdf)
    return WriteResult(bytes: bytes, findings: findings)
  }
}

/// The findings the KeePass reader and writer report (docs/audit.md lists their meanings).
enum KeePassCode: String, FindingCode {
  case badOTPFields = "KEEPASS_BAD_OTP_FIELDS"
  case recycleBin = "KEEPASS_RECYCLE_BIN_SKIPPED"
  case oldVersion = "KEEPASS_KDBX3"
  case oneGroup = "KEEPASS_ONE_GROUP"
}
