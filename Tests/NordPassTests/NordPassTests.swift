import NordPass
import OTPCore
import Testing

/// NordPass's CSV export, in its two layouts (the legacy one and the one with additional_urls), made
/// from the headers its importers document: recognised, no account, and the finding that says why.
@Suite struct NordPassTests {
  let format = NordPassCSVFormat()

  @Test(arguments: [
    "name,url,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,type",
    "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields",
  ])
  func saysItHoldsNoOneTimePasswords(header: String) throws {
    let columns = header.split(separator: ",").map(String.init)
    func row(type: String) -> String { columns.map { $0 == "type" ? type : "" }.joined(separator: ",") }
    let login = row(type: "password")
    let note = row(type: "note")
    let input = InputFile(name: "nordpass.csv", bytes: Array("\(header)\n\(login)\n\(login)\n\(note)\n".utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.isEmpty)
    let finding = try #require(result.findings.first)
    #expect(finding.code == "NORDPASS_NO_ONE_TIME_PASSWORDS" && finding.severity == .error)
    #expect(finding.message.contains("2 login(s)") && finding.remedy?.contains("scan the new QR code") == true)
  }
}
