import Foundation
import OTPCore

/// What an audit found in one file.
public struct AuditedFile: Sendable, Encodable {
  public var path: String
  /// The format that read it; nil when no format recognised it.
  public var format: String?
  /// True when the file was encrypted, false when it was plain text; nil when it was not read.
  public var encrypted: Bool?
  public var accounts: Int
  public var findings: [FindingJSON]
}

public struct AuditReport: Sendable, Encodable {
  public var version = 1
  public var target: String?
  public var files: [AuditedFile]

  public var allFindings: [FindingJSON] { files.flatMap(\.findings) }

  public func count(_ severity: Finding.Severity) -> Int {
    allFindings.filter { $0.severity == severity }.count
  }
}

/// `otpbridge audit`: reads every export under the given paths and says which entries cannot move,
/// why, and what to do, Microsoft entries first.
public enum Audit {
  public static func run(
    paths: [String], target: AuditTarget? = nil, password: PasswordProvider = .none, registry: Registry = .builtIn,
    progress: (_ index: Int, _ count: Int, _ path: String) -> Void = { _, _, _ in }
  ) throws -> AuditReport {
    var files: [AuditedFile] = []
    // What the first account of each secret and of each label was; its name is made only for a
    // duplicate (a million accounts would make a million Strings).
    var secretsSeen: [Secret: (file: String, account: SeenAccount)] = [:]
    var labelsSeen: [LabelKey: (file: String, secret: Secret)] = [:]
    // An export split across the files (one screenshot per Google QR code, a text copy of its
    // links beside them) is read once and whole if together they hold every part.
    var splitExports = SplitExports()
    let expanded = try expand(paths)
    for (index, (path, named)) in expanded.enumerated() {
      progress(index, expanded.count, path)
      var audited = auditFile(path, named: named, password: password, registry: registry)
      if var read = audited.read {
        splitExports.add(&read, input: files.count)
        audited.file.accounts = read.accounts.count
        audited.file.findings = read.findings.map { convert($0, file: path) }
        if audited.file.encrypted == false, !read.accounts.isEmpty {
          audited.file.findings.append(plaintextExport(path, accounts: read.accounts.count))
        }
        audited.read = read
      }
      let accounts = audited.read?.accounts ?? []
      secretsSeen.reserveCapacity(secretsSeen.count + accounts.count)
      labelsSeen.reserveCapacity(labelsSeen.count + accounts.count)
      for account in accounts {
        audited.file.findings += checks(account, file: path, target: target)
        if let first = secretsSeen[account.secret] {
          audited.file.findings.append(
            finding(
              .warning, AuditCode.duplicateSecret, account, file: path,
              "the same secret as \(first.account.displayName) in \(first.file): one account stored twice",
              remedy: "Keep one copy; importing both gives two entries with the same codes."))
        } else {
          secretsSeen[account.secret] = (path, SeenAccount(account))
        }
        let key = LabelKey(issuer: account.issuer, name: account.name)
        if let first = labelsSeen[key], first.secret != account.secret {
          audited.file.findings.append(
            finding(
              .warning, AuditCode.duplicateLabel, account, file: path,
              "the same issuer and name as another account in \(first.file), with a different secret: at most one of them is current",
              remedy: "Check which one the service accepts and remove the other."))
        } else if labelsSeen[key] == nil {
          labelsSeen[key] = (path, account.secret)
        }
      }
      files.append(audited.file)
    }
    for (input, finding) in splitExports.missingFindings() {
      files[input].findings.append(convert(finding, file: files[input].path))
    }
    for index in files.indices { files[index].findings.sort(by: order) }
    // Files with Microsoft findings first, then the rest in path order.
    let microsoftFirst =
      files.filter { $0.findings.contains(where: \.microsoft) } + files.filter { !$0.findings.contains(where: \.microsoft) }
    return AuditReport(target: target?.rawValue, files: microsoftFirst)
  }

  /// The audit of one file that was read, on its own (a tenant's user, a file on the page of
  /// `serve`): its findings as `otpbridge audit` gives them, without the checks across files.
  public static func file(_ file: FileReading, encrypted: Bool, target: AuditTarget?) -> AuditedFile {
    var findings = file.result.findings.map { convert($0, file: file.file) }
    for account in file.result.accounts {
      findings += checks(account, file: file.file, target: target)
    }
    if !encrypted, !file.result.accounts.isEmpty {
      findings.append(plaintextExport(file.file, accounts: file.result.accounts.count))
    }
    return AuditedFile(
      path: file.file, format: file.format, encrypted: encrypted, accounts: file.result.accounts.count,
      findings: findings.sorted(by: order))
  }

  /// What names an account, kept without making its name.
  struct SeenAccount {
    var kind: OTPKind
    var issuer: String
    var name: String

    init(_ account: Account) {
      (kind, issuer, name) = (account.kind, account.issuer, account.name)
    }

    var displayName: String { Account.displayName(kind: kind, issuer: issuer, name: name) }
  }

  /// An issuer and name, equal to another without regard to case.
  struct LabelKey: Hashable {
    var issuer: String
    var name: String

    static func == (a: LabelKey, b: LabelKey) -> Bool {
      same(a.issuer, b.issuer) && same(a.name, b.name)
    }

    func hash(into hasher: inout Hasher) {
      Self.hashFolded(issuer, into: &hasher)
      hasher.combine(0 as UInt8)
      Self.hashFolded(name, into: &hasher)
    }

    /// ASCII text is folded byte by byte, without a new String; other text through `lowercased()`.
    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    static func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    static func same(_ a: String, _ b: String) -> Bool {
      guard isASCII(a), isASCII(b) else { return a.lowercased() == b.lowercased() }
      return a.utf8.elementsEqual(b.utf8) { folded($0) == folded($1) }
    }

    /// The bytes `same` compares: ASCII folded; other text lower-cased and in its composed form
    /// (NFC), since String's `==` takes canonically equivalent text as equal ("e\u{301}" is "é").
    static func hashFolded(_ text: String, into hasher: inout Hasher) {
      var text = isASCII(text) ? text : text.lowercased().precomposedStringWithCanonicalMapping
      text.withUTF8 { utf8 in
        guard utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else {
          return hasher.combine(bytes: UnsafeRawBufferPointer(utf8))
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { folded in
          for index in utf8.indices { folded[index] = Self.folded(utf8[index]) }
          hasher.combine(bytes: UnsafeRawBufferPointer(folded))
        }
      }
    }
  }

  static func order(_ a: FindingJSON, _ b: FindingJSON) -> Bool {
    if a.microsoft != b.microsoft { return a.microsoft }
    if a.severity != b.severity { return a.severity > b.severity }
    return (a.line ?? a.entry ?? 0) < (b.line ?? b.entry ?? 0)
  }

  /// Files as named, and the regular files under named folders (recursively, sorted, hidden
  /// entries skipped). The flag says whether the user named the file itself.
  static func expand(_ paths: [String]) throws -> [(String, Bool)] {
    var result: [(String, Bool)] = []
    for path in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        throw OTPError.cannotOpen(file: path, reason: "no such file or folder")
      }
      guard isFolder.boolValue else {
        result.append((path, true))
        continue
      }
      let base = URL(fileURLWithPath: path)
      let enumerator = FileManager.default.enumerator(
        at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
      var found: [String] = []
      while let url = enumerator?.nextObject() as? URL {
        if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
          let relative = url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count).drop { $0 == "/" }
          found.append((path as NSString).appendingPathComponent(String(relative)))
        }
      }
      result += found.sorted().map { ($0, false) }
    }
    return result
  }

  static func auditFile(_ path: String, named: Bool, password: PasswordProvider, registry: Registry)
    -> (file: AuditedFile, read: ReadResult?)
  {
    var file = AuditedFile(path: path, format: nil, encrypted: nil, accounts: 0, findings: [])
    let probe = PasswordProbe()
    do {
      let reading = try Reading.read(
        paths: [path], from: nil, context: ReadContext(password: probe.wrap(password)), registry: registry)
      let result = reading.files[0]
      file.format = result.format
      file.encrypted = probe.wasAsked
      return (file, result.result)
    } catch let error as OTPError {
      file.encrypted = probe.wasAsked ? true : nil
      switch error {
      case .unrecognisedFormat where !named:
        file.findings = [simple(.info, AuditCode.notRecognised, path, "not an export format otpbridge reads; skipped")]
      case .passwordRequired:
        file.encrypted = true
        file.findings = [
          simple(
            .warning, AuditCode.encryptedNotOpened, path, "encrypted, not opened: no password was given",
            remedy: "Pass --password-file or --password-env to audit its entries.")
        ]
      case .wrongPassword(_, let hint):
        file.encrypted = true
        let doubt = hint.map { " (\($0))" } ?? ""
        file.findings = [
          simple(.error, AuditCode.wrongPassword, path, "encrypted, and the password given does not open it\(doubt)")
        ]
      default:
        file.findings = [simple(.error, AuditCode.unreadable, path, error.description)]
      }
    } catch {
      file.findings = [simple(.error, AuditCode.unreadable, path, "\(error)")]
    }
    return (file, nil)
  }

  static func plaintextExport(_ path: String, accounts: Int) -> FindingJSON {
    simple(
      .warning, AuditCode.plaintextExport, path,
      "\(accounts) secret(s) lie in this file unencrypted: anyone who can read the file can make your codes",
      remedy: "Delete it once the migration is done, or keep it only as an encrypted export.")
  }

  static func simple(_ severity: Finding.Severity, _ code: AuditCode, _ path: String, _ message: String, remedy: String? = nil)
    -> FindingJSON
  {
    FindingJSON(Finding(severity, code: code, message, remedy: remedy), file: path)
  }

  static func convert(_ finding: Finding, file: String) -> FindingJSON {
    FindingJSON(finding, file: file)
  }

  static func finding(
    _ severity: Finding.Severity, _ code: AuditCode, _ account: Account, file: String, _ message: String,
    remedy: String? = nil
  ) -> FindingJSON {
    about(account, Finding(severity, code: code, message, at: account.origin, remedy: remedy), file: file)
  }

  static func about(_ account: Account, _ finding: Finding, file: String, microsoft: Bool = false) -> FindingJSON {
    var result = convert(finding, file: file)
    result.account = account.displayName
    result.microsoft = microsoft || result.microsoft
    return result
  }

  /// The per-account checks: verdict, secret strength, label and issuer, HOTP, the target app.
  static func checks(_ account: Account, file: String, target: AuditTarget?) -> [FindingJSON] {
    var findings: [FindingJSON] = []
    let verdict = Classifier.classify(account)
    if verdict.code != VerdictCode.portable.rawValue {
      findings.append(
        about(account, verdict.finding(at: account.origin, skipped: false), file: file, microsoft: verdict.isMicrosoft))
    }
    let bits = account.secret.count * 8
    if account.kind != .motp, bits < 128 {
      // RFC 4226 §4 requires 128 bits and recommends 160; under 80 is guessable offline.
      findings.append(
        finding(
          bits < 80 ? .error : .warning, AuditCode.weakSecret, account, file: file,
          "the secret has only \(bits) bits (RFC 4226 asks for at least 128)",
          remedy: "Re-enrol this account if the service offers a longer secret."))
    }
    if let prefix = account.labelIssuer, !verdict.isMicrosoft {
      findings.append(
        finding(
          .info, AuditCode.labelIssuerMismatch, account, file: file,
          "the label says \"\(prefix)\" but the issuer is \"\(account.issuer)\"; both are kept, but apps disagree on which to show"
        ))
    }
    if account.kind == .hotp {
      findings.append(
        finding(
          .warning, AuditCode.hotpCounter, account, file: file,
          "counter-based: the old and the new app each advance their own counter, so using both burns codes and can lock the account out of sync",
          remedy: "After migrating, use only one copy; the counter moves as it is now (\(account.counter))."))
    }
    if let target, let problem = target.problem(with: account) {
      findings.append(
        finding(
          .error, AuditCode.targetWrongCodes, account, file: file, problem,
          remedy: "Keep this account in an app that supports it."))
    }
    return findings
  }
}

/// The findings the audit adds to what the readers report (docs/audit.md lists them all).
public enum AuditCode: String, FindingCode {
  case duplicateSecret = "DUPLICATE_SECRET"
  case duplicateLabel = "DUPLICATE_LABEL"
  case notRecognised = "NOT_RECOGNISED"
  case encryptedNotOpened = "ENCRYPTED_NOT_OPENED"
  case wrongPassword = "WRONG_PASSWORD"
  case unreadable = "UNREADABLE"
  case plaintextExport = "PLAINTEXT_EXPORT"
  case weakSecret = "WEAK_SECRET"
  case labelIssuerMismatch = "LABEL_ISSUER_MISMATCH"
  case hotpCounter = "HOTP_COUNTER"
  case targetWrongCodes = "TARGET_WRONG_CODES"
}
