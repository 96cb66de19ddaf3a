import Foundation
import FreeOTPPlus
import OTPCore
import TestSupport
import Testing

@Suite struct FreeOTPPlusTests {
  let format = FreeOTPPlusFormat()

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "f.json", bytes: Array(text.utf8)), context: ReadContext())
  }

  @Test func aegisFileGivesV1ToV6WithTheirOtpauthCounters() throws {
    let input = try Vectors.input("aegis/importers/freeotp_plus.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty)
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    // The file stores 10299, 49 and 0 (aegis/EXPECTED.md); the model holds the otpauth counter.
    for (index, id) in ["V6", "V5", "V4", "V3", "V2", "V1"].enumerated() {
      #expect(try #require(expected[id]).matches(result.accounts[index]), "\(id)")
      #expect(result.accounts[index].labelIssuer == nil && result.accounts[index].icon == nil)
    }
  }

  /// The codes: the model's next code is the one the vector's otpauth URI gives first; FreeOTP+
  /// itself shows the code of its stored counter, one step behind.
  @Test func aegisFileHOTPCodes() throws {
    let accounts = try format.read(try Vectors.input("aegis/importers/freeotp_plus.json"), context: ReadContext()).accounts
    let rows = try Vectors.tableRows("aegis/EXPECTED.md").filter { $0.count == 4 && $0[0].hasPrefix("V") }
    for (index, id) in ["V6", "V5", "V4"].enumerated() {
      let account = accounts[index]
      let codes = try #require(rows.first { $0[0] == id })[3].components(separatedBy: " / ")
      #expect(try CodeGenerator.code(for: account, counter: account.counter) == codes[0], "\(id)")
      #expect(try CodeGenerator.code(for: account, counter: account.counter + 1) == codes[1], "\(id)")
    }
    // What FreeOTP+ shows next for WWE: HOTP(stored) = HOTP(10299), not the vector's first code.
    #expect(try CodeGenerator.code(for: accounts[0], counter: 10299) != "24622277")
    #expect(try CodeGenerator.code(for: accounts[5], at: 1_234_567_890) == "001580")
  }

  @Test func stratumFileGivesTheSSetWithItsQuirks() throws {
    let input = try Vectors.input("stratum/data/freeotpplus.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    for (index, id) in ["S1", "S2", "S4", "S5", "S6", "S7"].enumerated() {
      var vector = try #require(expected[id])
      if id == "S2" { vector.digits = 8 }  // stored with 8 digits here (stratum/EXPECTED.md)
      #expect(vector.matches(result.accounts[index]), "\(id)")
    }
    // S6: stored counter 9, otpauth counter 10 = the vector's; HOTP(10) = 651512, HOTP(11) = 001896.
    let hotp = result.accounts[4]
    #expect(hotp.counter == 10)
    #expect(try CodeGenerator.code(for: hotp, counter: hotp.counter) == "651512")
    #expect(try CodeGenerator.code(for: hotp, counter: hotp.counter + 1) == "001896")
    let s3 = result.accounts[6]
    #expect(s3.issuer == "NoIssuer" && s3.name == "NoIssuer" && s3.secret.revealBase32() == "KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX")
    #expect(try CodeGenerator.code(for: s3, at: 1_700_000_000) == "961004")
  }

  @Test func writtenCountersAreStoredOneLowerAndSecretsSigned() throws {
    let origin = Origin(file: "t", place: .whole)
    let accounts = [
      Account(
        kind: .hotp, issuer: "WWE", name: "Mason", secret: Secret([0xED, 0x40, 0x7F, 0x80]), algorithm: .sha512, digits: 8,
        counter: 10300, origin: origin),
      Account(kind: .hotp, issuer: "Zero", name: "z", secret: Secret([1]), counter: 0, origin: origin),
    ]
    let text = String(decoding: try format.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
    #expect(
      text
        == #"{"tokenOrder":["WWE:Mason","Zero:z"],"tokens":[{"algo":"SHA512","counter":10299,"digits":8,"issuerExt":"WWE","issuerInt":"WWE","label":"Mason","period":30,"secret":[-19,64,127,-128],"type":"HOTP"},{"algo":"SHA1","counter":-1,"digits":6,"issuerExt":"Zero","issuerInt":"Zero","label":"z","period":30,"secret":[1],"type":"HOTP"}]}"#
    )
    let back = try read(text).accounts
    #expect(back.map(\.counter) == [10300, 0])
  }

  @Test func steamIsTheIssuerSteam() throws {
    let text =
      #"{"tokenOrder":["Steam:alice","Steam:bob"],"tokens":[{"algo":"SHA1","counter":0,"digits":5,"issuerExt":"Steam","label":"alice","period":30,"secret":[76,114],"type":"TOTP"},{"counter":0,"digits":5,"issuerExt":"Steam","issuerInt":"Valve","label":"bob","period":30,"secret":[76,114],"type":"TOTP"}]}"#
    let result = try read(text)
    #expect(result.accounts.map(\.kind) == [.steam, .steam])
    #expect(result.accounts.map(\.issuer) == ["Steam", "Valve"])
    #expect(result.accounts.allSatisfy { $0.labelIssuer == nil && $0.digits == 5 })
    #expect(result.findings.map(\.code) == ["FREEOTPPLUS_NOT_IN_ORDER"])

    let totpNamedSteam = Account(
      kind: .totp, issuer: "Steam", name: "x", secret: Secret([1]), origin: Origin(file: "t", place: .whole))
    #expect(throws: OTPError.self) { try format.write([totpNamedSteam], context: WriteContext()) }
  }

  @Test func badTokensAreSkippedWithFindings() throws {
    let text =
      #"{"tokens":[{"label":"ok","secret":[1,2,3],"type":"TOTP"},{"label":"a","secret":[300],"type":"TOTP"},{"label":"b","type":"TOTP"},{"label":"c","secret":[1],"type":"MOTP"},{"label":"d","secret":[1],"algo":"MD5"},{"label":"e","secret":[1],"type":"HOTP","counter":-5}]}"#
    let result = try read(text)
    #expect(result.accounts.map(\.name) == ["ok"])
    #expect(result.accounts[0].digits == 6 && result.accounts[0].period == 30 && result.accounts[0].algorithm == .sha1)
    #expect(
      result.findings.map(\.code) == [
        "FREEOTPPLUS_BAD_SECRET", "FREEOTPPLUS_NO_SECRET", "FREEOTPPLUS_BAD_TYPE", "FREEOTPPLUS_BAD_ALGORITHM",
        "FREEOTPPLUS_BAD_COUNTER",
      ])
    #expect(result.findings.allSatisfy { $0.entrySkipped })
    #expect(result.findings.first?.origin == Origin(file: "f.json", place: .entry(2)))
  }

  @Test func unreadableFilesAreDamaged() {
    for text in ["", "{", "[]", #"{"tokenOrder":[]}"#, #"{"tokens":[{"secret":"abc"}]}"#] {
      #expect(throws: OTPError.self) { try read(text) }
      do {
        _ = try read(text)
      } catch let error as OTPError {
        guard case .corrupted = error else {
          Issue.record("\(text): \(error)")
          continue
        }
      } catch {
        Issue.record("\(error)")
      }
    }
  }

  @Test func labelPrefixAndUserEditedNames() throws {
    let text =
      #"{"tokens":[{"issuerExt":"Contoso","issuerInt":"Microsoft","label":"alice","secret":[1]},{"issuerExt":"A","issuerAlt":"Edited","label":"l","labelAlt":"Edited name","image":"file:///i.png","imageAlt":"file:///j.png","secret":[1]}]}"#
    let accounts = try read(text).accounts
    #expect(accounts[0].issuer == "Microsoft" && accounts[0].labelIssuer == "Contoso" && accounts[0].name == "alice")
    #expect(accounts[1].issuer == "Edited" && accounts[1].labelIssuer == nil && accounts[1].name == "Edited name")
    #expect(accounts[1].icon == "file:///j.png")
  }
}
