import LoginItems
import OTPCore
import Testing

/// The recognition rules of microsoft.md §8 and the verdicts of §9.
@Suite struct ClassifierTests {
  @Test(arguments: [
    (
      "phonefactor://activate_account?code=694660881&url=https://mobileappcommunicator.auth.microsoft.com/activatev2/XXXXXXXXX/XXXXXXXXXXXXXXXXXXXX",
      "MS_PUSH_ACTIVATION"
    ),
    (
      "PHONEFACTOR://activate_account?code=123456789&url=https%3A%2F%2Fsomething.phonefactor.net%2Fpad%2F987654321",
      "MS_PUSH_ACTIVATION"
    ),
    (
      "https://login.microsoftonline.com/authenticatorApp/activateAccount?accountType=mfa&source=qrCode&code=123456789",
      "MS_PUSH_ACTIVATION"
    ),
    (
      "https://login.microsoftonline.com/authenticatorApp/activateAccount?source=qrCode&accountType=msa&code=M.C501_BAY.2.U.x&uaid=4",
      "MS_MSA_ACTIVATION"
    ),
    ("https://LOGIN.microsoftonline.us/AuthenticatorApp/ActivateAccount?accountType=mfa", "MS_PUSH_ACTIVATION"),
    ("ms-msa://code=M.C523_SN1.2.U.abc&uaid=def&expires=1", "MS_MSA_ACTIVATION"),
    ("microsoft-authenticator://activatemfa?x=1", "MS_AUTHENTICATOR_LINK"),
    ("msauth://enroll", "MS_SIGN_IN_LINK"),
    ("openid-vc://?request_uri=https://example", "MS_SIGN_IN_LINK"),
    ("694660881", "MS_MANUAL_ACTIVATION_CODE"),
    ("https://mobileappcommunicator.auth.microsoft.com/activatev2/863602595/SASPUBKRCAZ1FD043", "MS_MANUAL_ACTIVATION_CODE"),
    ("otpauth://totp/acme.okta.com:bob?issuer=acme.okta.com&t=abc&f=def&s=https%3A%2F%2Facme.okta.com", "OKTA_PUSH_ENROLMENT"),
    ("duo://abcdefghijklmnopqrst-YXBpLWV4YW1wbGUuZHVvc2VjdXJpdHkuY29t", "DUO_ACTIVATION"),
    ("https://m-1234.duosecurity.com/activate/abcdefghijklmnopqrst", "DUO_ACTIVATION"),
    ("SYMC12345678", "SYMANTEC_VIP_CREDENTIAL"),
  ])
  func nonPortablePayloads(payload: String, code: String) throws {
    let verdict = try #require(Classifier.classify(payload: payload))
    #expect(verdict.code == code)
    #expect(verdict.portability == .notPortable)
  }

  @Test func microsoftRemediesNameTheMenuPathAndTheAdminSetting() throws {
    let verdict = try #require(Classifier.classify(payload: "phonefactor://activate_account?code=1&url=x"))
    #expect(verdict.isMicrosoft)
    #expect(verdict.remedy?.contains("I want to use a different authenticator app") == true)
    #expect(verdict.remedy?.contains("Third-party software OATH tokens") == true)
    let finding = verdict.finding(at: Origin(file: "qr.png", place: .entry(1)))
    #expect(finding.severity == .error)
    #expect(finding.entrySkipped)
  }

  @Test func ordinaryAndUnknownPayloads() {
    #expect(Classifier.classify(payload: "otpauth://totp/a?secret=JBSWY3DP") == nil)
    #expect(Classifier.classify(payload: "https://example.com/") == nil)
    #expect(Classifier.classify(payload: "otpauth://totp/x?issuer=Nope") == nil)
    #expect(Classifier.classify(payload: "otpauth-migration://offline?data=x")?.portability == .portable)
  }

  static let origin = Origin(file: "t", place: .whole)

  @Test func microsoftWorkTOTPWithADifferentLabelPrefixIsPortable() {
    let work = Account(
      kind: .totp, issuer: "Microsoft", name: "alice@contoso.com", labelIssuer: "Contoso", secret: Secret([1]),
      origin: Self.origin)
    let verdict = Classifier.classify(work)
    #expect(verdict.portability == .portable)
    #expect(verdict.code == "MS_WORK_TOTP")
    #expect(verdict.reason.contains("Contoso"))
    let personal = Account(kind: .totp, issuer: "Microsoft", name: "bob@outlook.com", secret: Secret([1]), origin: Self.origin)
    #expect(Classifier.classify(personal).code == "MS_PERSONAL_TOTP")
  }

  @Test func accountsThatNeedAttention() {
    func code(_ account: Account) -> String { Classifier.classify(account).code }
    #expect(code(Account(kind: .steam, secret: Secret([1]), origin: Self.origin)) == "STEAM")
    #expect(code(Account(kind: .yandex, secret: Secret([1]), origin: Self.origin)) == "YANDEX")
    #expect(code(Account(kind: .motp, secret: Secret([1]), origin: Self.origin)) == "MOTP")
    #expect(code(Account(kind: .totp, issuer: "Battle.net", secret: Secret([1]), digits: 8, origin: Self.origin)) == "BATTLE_NET")
    #expect(code(Account(kind: .totp, secret: Secret([1]), digits: 7, period: 10, origin: Self.origin)) == "AUTHY_NATIVE")
    let odd = Classifier.classify(Account(kind: .totp, secret: Secret([1]), algorithm: .sha256, period: 60, origin: Self.origin))
    #expect(odd.code == "NON_DEFAULT_PARAMETERS")
    #expect(odd.reason.contains("SHA256") && odd.reason.contains("60 s"))
    #expect(code(Account(kind: .totp, issuer: "GitHub", secret: Secret([1]), origin: Self.origin)) == "PORTABLE")
  }
}

@Suite struct LoginItemClassifierTests {
  @Test func aPhonefactorLinkInAPasswordManagerItemIsExplained() {
    var result = ReadResult(accounts: [])
    let item = LoginItem(
      title: "Contoso 365", username: "alice@contoso.com", urls: [],
      otp:
        "phonefactor://activate_account?code=694660881&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2F2",
      note: "", groups: [])
    item.read(into: &result, at: Origin(file: "vault.csv", place: .line(3)))
    #expect(result.accounts.isEmpty)
    #expect(result.findings.map(\.code) == ["MS_PUSH_ACTIVATION"])
    #expect(result.findings[0].message.hasPrefix("Contoso 365: "))
    #expect(result.findings[0].entrySkipped)
  }
}
