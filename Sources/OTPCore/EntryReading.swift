/// The codes of the findings one module can report, as an enum of stable UPPER_SNAKE_CASE texts.
/// Each module declares its own (a format through `FormatDescriptor.findingCodes`), and
/// docs/audit.md lists every one with its meaning (FindingCatalogTests checks both ways).
public protocol FindingCode: RawRepresentable<String>, CaseIterable, Sendable {}

extension FindingCode {
  /// Every code of this set, as the texts scripts see.
  public static var codes: [String] { allCases.map(\.rawValue) }
}

/// The findings OTPCore itself reports, which several formats share.
public enum CoreCode: String, FindingCode {
  case base32TrailingBits = "BASE32_TRAILING_BITS"
  case passwordsNotRead = "PASSWORDS_NOT_READ"
  case itemsWithoutOTP = "ITEMS_WITHOUT_OTP"
  case kdfWeakerThanDefault = "KDF_WEAKER_THAN_DEFAULT"
}

/// Why one entry of a file cannot be read (thrown: the entry is skipped), or what was odd about
/// one that still was (collected as a warning). Messages never quote a secret.
public struct EntryProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: String
  public var message: String
  public var remedy: String?

  public init(_ code: some FindingCode, _ message: String, remedy: String? = nil) {
    self.code = code.rawValue
    self.message = message
    self.remedy = remedy
  }

  public var description: String { message }

  /// The warning every base32 reader gives when a last character's bits do not fill a byte.
  public static let base32TrailingBits = EntryProblem(
    CoreCode.base32TrailingBits, "the secret's last base32 character does not complete a byte and was ignored, as the apps do")

  /// Checks what every format's parameters must satisfy, as Aegis and Stratum check in their
  /// models: 1 to 10 digits, and a positive period for a time-based kind. The codes are the
  /// format's own, so that scripts can tell where a bad value came from.
  /// A base32 secret as every reader takes it (`Base32.decodeReporting`: either case, spaces and
  /// padding allowed): text that is not base32 is the entry's `badSecret` problem, never
  /// repeating the text; a last character that does not complete a byte is ignored with a warning.
  public static func base32Secret(_ text: String, badSecret: some FindingCode, warnings: inout [EntryProblem])
    throws(EntryProblem) -> [UInt8]
  {
    let decoded: Base32.Decoded
    do {
      decoded = try Base32.decodeReporting(text)
    } catch {
      throw EntryProblem(badSecret, "the secret is not valid base32: \(error)")
    }
    if decoded.ignoredTrailingCharacters > 0 { warnings.append(.base32TrailingBits) }
    return decoded.bytes
  }

  public static func checkParameters(
    kind: OTPKind, digits: Int, period: Int, badDigits: some FindingCode, badPeriod: some FindingCode
  ) throws(EntryProblem) {
    guard (1...10).contains(digits) else {
      throw EntryProblem(badDigits, "digits \(digits) is not from 1 to 10")
    }
    guard kind.isCounterBased || period > 0 else {
      throw EntryProblem(badPeriod, "period \(period) is not a positive number of seconds")
    }
  }
}

extension Finding {
  public init(_ severity: Severity, _ problem: EntryProblem, at origin: Origin?) {
    self.init(severity, rawCode: problem.code, problem.message, at: origin, remedy: problem.remedy)
  }
}

extension ReadResult {
  /// Reads one entry of a file the way every format does: the account `makeAccount` returns is
  /// added with its warnings as findings; an `EntryProblem` it throws skips the entry with an error
  /// finding at `origin` (`noun` names what was skipped: "entry", "item", "line"). A nil account
  /// adds only the warnings. With `payload`, the text of an entry that did not read is given to the
  /// classifier first: an activation code or push enrolment is reported as what it is and what to
  /// do, not only as why it did not parse (`label` names the entry in that finding).
  @inlinable public mutating func readEntry(
    at origin: Origin, noun: String = "entry", classifying payload: () -> String? = { nil }, label: String? = nil,
    _ makeAccount: (_ warnings: inout [EntryProblem]) throws(EntryProblem) -> Account?
  ) {
    var warnings: [EntryProblem] = []
    do {
      if let account = try makeAccount(&warnings) { accounts.append(account) }
      findings += warnings.map { Finding(.warning, $0, at: origin) }
    } catch {
      // Not optional, so that it stays non-escaping: no allocation per entry on the way in.
      if let text = payload(), let verdict = Classifier.classify(payload: text), verdict.portability == .notPortable {
        findings.append(verdict.finding(at: origin, label: label, skipped: true))
      } else {
        findings.append(
          Finding(
            .error, rawCode: error.code, "\(error.message); the \(noun) was skipped", at: origin, remedy: error.remedy,
            entrySkipped: true))
      }
    }
  }

  /// Reads a JSON array decoded element by element: an element that did not decode, or whose
  /// mapping failed with anything but an `EntryProblem`, is skipped with `badEntry`; the others go
  /// through `makeAccount`. Entries are numbered from 1.
  public init<Entry>(
    entries: [Lenient<Entry>], file: String, badEntry: some FindingCode, noun: String = "entry",
    _ makeAccount: (_ entry: Entry, _ origin: Origin, _ warnings: inout [EntryProblem]) throws -> Account?
  ) {
    self.init(accounts: [])
    accounts.reserveCapacity(entries.count)
    for (index, element) in entries.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      readEntry(at: origin, noun: noun) { warnings throws(EntryProblem) in
        switch element.result {
        case .success(let entry):
          do {
            return try makeAccount(entry, origin, &warnings)
          } catch let problem as EntryProblem {
            throw problem
          } catch {
            throw EntryProblem(badEntry, "the \(noun) cannot be read")
          }
        case .failure(let error as DecodingError):
          throw EntryProblem(badEntry, "the \(noun) cannot be read: \(error.summary(insideElement: true))")
        case .failure:
          throw EntryProblem(badEntry, "the \(noun) cannot be read")
        }
      }
    }
  }
}
