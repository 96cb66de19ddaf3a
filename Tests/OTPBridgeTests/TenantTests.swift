import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// The tenant manifest, shards, merging and the HTML report, without the CLI (issue 7).
@Suite struct TenantTests {
  static func manifest(_ text: String, name: String = "manifest.csv") throws -> TenantManifest {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
    return try TenantManifest.load("\(folder)/\(name)")
  }

  @Test func csvRowsAndTheirProblems() throws {
    let manifest = try Self.manifest(
      """
      user,inputs,password_file,password_env,target
      alice@example.org,"a.json; b/*.txt",pw.txt,,aegis
      ,x.txt,,,
      bob@example.org,,,,
      carol@example.org,c.txt,pw.txt,CAROL_PW,
      alice@example.org,d.txt,,,
      dave@example.org,e.txt,,,,extra
      """)
    let users = try manifest.users
    #expect(
      users.map(\.id) == [
        "alice@example.org", "line 3", "bob@example.org", "carol@example.org", "alice@example.org", "dave@example.org",
      ])
    #expect(users[0].inputs == ["a.json", "b/*.txt"] && users[0].password.file == "pw.txt" && users[0].target == "aegis")
    #expect(users[0].problem == nil)
    #expect(users[1].problem == "manifest line 3: no user id")
    #expect(users[2].problem == "manifest line 4: no input files")
    #expect(users[3].problem?.contains("not both") == true)
    #expect(users[4].problem == "the user alice@example.org appears twice in the manifest")
    #expect(users[5].problem?.contains("header names 5 columns") == true)
  }

  @Test func jsonManifestAndUnknownColumns() throws {
    let json = try Self.manifest(
      #"[{"user": "a@example.org", "inputs": ["a.txt"], "password": {"environment": "A_PW"}, "output_password": {"file": "new.txt"}}]"#,
      name: "m.json")
    #expect(try json.users.first?.password.environment == "A_PW")
    #expect(try json.users.first?.outputPassword.file == "new.txt")
    #expect(throws: OTPError.self) { try Self.manifest("user,inputs,password\na,b,secret\n") }
    #expect(throws: OTPError.self) { try Self.manifest(#"{"people": []}"#, name: "m.json") }
  }

  /// A manifest is read a MiB at a time into a temporary database (issue 21): rows across the
  /// pieces' cuts (a quoted line break in one), duplicates in other batches, and the same users
  /// from CSV, JSON and UTF-16 text.
  @Test func largeManifestsAreReadInPieces() throws {
    let count = 40_000
    // Windows line ends (Excel's CSV): a CR before every LF, the pieces still cut after the LF.
    var csv = "user,inputs,target\r\n"
    var json = "{\"users\": [\n"
    for index in 1...count {
      // A long cell, so that the file is several pieces; every 997th has a line break in quotes.
      let id = index == count ? "user7@example.org" : "user\(index)@example.org"
      let inputs =
        index % 997 == 0
        ? "\"exports/\(index).json;\nmore/\(index).txt\"" : "exports/\(index)-\(String(repeating: "x", count: 40)).json"
      csv += "\(id),\(inputs),aegis\r\n"
      let jsonInputs =
        index % 997 == 0
        ? "\"exports/\(index).json\", \"more/\(index).txt\"" : "\"exports/\(index)-\(String(repeating: "x", count: 40)).json\""
      json += "  {\"user\": \"\(id)\", \"inputs\": [\(jsonInputs)], \"target\": \"aegis\"}\(index == count ? "" : ",")\n"
    }
    json += "]}\n"
    #expect(csv.utf8.count > 3 << 20)
    var utf16 = Data([0xFF, 0xFE])
    for unit in csv.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try utf16.write(to: URL(fileURLWithPath: "\(folder)/utf16.csv"))
    for manifest in [
      try Self.manifest(csv), try Self.manifest(json, name: "m.json"), try TenantManifest.load("\(folder)/utf16.csv"),
    ] {
      #expect(manifest.count == count)
      var seen = 0
      try manifest.forEachUser { user in
        seen += 1
        #expect(user.index == seen)
        if seen % 997 == 0 {
          #expect(user.inputs == ["exports/\(seen).json", "more/\(seen).txt"], "\(manifest.path) \(seen)")
        } else if seen < count {
          #expect(user.problem == nil && user.inputs.count == 1 && user.target == "aegis", "\(manifest.path) \(seen)")
        } else {
          // The last row repeats user 7, whose row is 39,993 rows (20 batches) before.
          #expect(user.problem == "the user user7@example.org appears twice in the manifest", "\(manifest.path)")
        }
      }
      #expect(seen == count)
      #expect(try manifest.contains(id: "user39999@example.org") && !manifest.contains(id: "user40000@example.org"))
    }
  }

  /// A row that repeats an earlier id fails with that reason, and is never run: the earlier row's
  /// journal record stays as it was, on the first run and on a resume, in either order of workers.
  @Test func aRepeatedRowFailsWithoutTouchingTheFirst() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP\n".write(toFile: "\(folder)/a.txt", atomically: true, encoding: .utf8)
    // A byte-order mark before the JSON, as Notepad saves it.
    let json =
      "\u{FEFF}" + #"{"users": [{"user": "alice", "inputs": ["a.txt"]}, {"user": "bob", "inputs": ["a.txt"]},"#
      + #" {"user": "alice", "inputs": ["a.txt"]}, {"user": "ALICE", "inputs": ["missing.txt"]}]}"#
    try json.write(toFile: "\(folder)/m.json", atomically: true, encoding: .utf8)
    let out = "\(folder)/out"
    for resume in [false, true] {
      let run = try TenantMigration.run(
        manifest: try TenantManifest.load("\(folder)/m.json"),
        options: TenantOptions(outputFolder: out, defaultTarget: "otpauth", jobs: 4, resume: resume))
      #expect(run.summary.users == 4 && run.summary.done == 2 && run.summary.failed == 2, "\(run.summary)")
      let report = try JSONDecoder().decode(
        TenantReport.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/\(TenantMigration.reportName)")))
      #expect(report.users.map(\.user) == ["alice", "bob", "alice", "ALICE"])
      #expect(report.users.map(\.index) == [1, 2, 3, 4])
      #expect(report.users.map(\.status) == [.done, .done, .failed, .failed])
      #expect(report.users[2].reason == "the user alice appears twice in the manifest")
      #expect(report.users[3].reason == "ALICE and alice would share one output folder")
    }
  }

  /// A manifest that repeats one user 100,000 times: every row after the first fails as a repeat,
  /// each found by one lookup (the run's cost grows with the rows, not with their repeats).
  @Test func oneUserRepeatedAHundredThousandTimes() throws {
    let manifest = try Self.manifest("user,inputs\n" + String(repeating: "same@example.org,a.txt\n", count: 100_000))
    #expect(manifest.count == 100_000)
    var repeats = 0
    try manifest.forEachUser { user in
      if user.index > 1 {
        #expect(user.earlierRow == "same@example.org")
        repeats += 1
      }
    }
    #expect(repeats == 99_999)
    #expect(try manifest.users(after: 0, limit: 1).first?.problem == nil)
  }

  @Test func jsonManifestsRefuseWhatTheyDoNotKnowWithItsLine() throws {
    func refusal(_ text: String) -> String {
      do {
        _ = try Self.manifest(text, name: "m.json")
        return "read"
      } catch { return "\(error)" }
    }
    #expect(refusal("{\"users\": [],\n \"usres\": []}").contains("line 2: the manifest has an unknown member 'usres'"))
    #expect(refusal("[{\"user\": \"a\", \"inputs\": [\"a\"]},\n]").contains("line 2"))
    #expect(refusal("[{\"user\": \"a\", \"inputs\": [\"a\"]}, {\"user\": 5}]").contains("entry 2"))
    #expect(refusal("[]") == "read")
  }

  /// The hash is fixed (SHA-256), so shards agree across machines and versions.
  @Test func shardsAreStableAndCoverEveryone() throws {
    #expect(
      TenantShard("1/3") == TenantShard("1/3") && TenantShard("3/3") == nil && TenantShard("0/0") == nil
        && TenantShard("x") == nil)
    #expect(TenantShard.bucket(of: "alice@contoso.com", count: 1000) == TenantShard.bucket(of: "alice@contoso.com", count: 1000))
    let ids = (1...300).map { "user\($0)@example.org" }
    let shards = (0..<4).map { TenantShard("\($0)/4")! }
    for id in ids { #expect(shards.filter { $0.contains(id) }.count == 1) }
    let sizes = shards.map { shard in ids.filter(shard.contains).count }
    #expect(sizes.allSatisfy { $0 > 40 }, "\(sizes)")
    // A pinned value: changing the hash would split a running tenant differently.
    // (SHA-256 of "alice@contoso.com" starts 0x7c33b2e6eb981348.)
    #expect(TenantShard.bucket(of: "alice@contoso.com", count: 1 << 30) == 731386696)
  }

  /// `--shard auto`: the shard from the variables Slurm, Kubernetes and AWS Batch give an array task.
  @Test func shardsFromTheScheduler() throws {
    func shard(_ text: String, _ environment: [String: String]) throws -> String {
      let resolved = try TenantShard.resolve(text, environment: environment)
      return "\(resolved.shard) \(resolved.source ?? "-")"
    }
    func refusal(_ text: String, _ environment: [String: String]) -> String {
      do {
        _ = try TenantShard.resolve(text, environment: environment)
        return "accepted"
      } catch { return "\(error)" }
    }
    #expect(try shard("2/4", ["SLURM_ARRAY_TASK_ID": "0"]) == "2/4 -")
    // Slurm: --array=0-3 and --array=1-4 both give shards 0..3; --array=1-7:2 gives 1, 3, 5, 7.
    #expect(
      try shard("auto", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"])
        == "3/4 SLURM_ARRAY_TASK_ID")
    #expect(
      try shard("auto", ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"])
        == "0/4 SLURM_ARRAY_TASK_ID")
    #expect(
      try shard(
        "auto/4",
        ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_STEP": "2"])
        == "2/4 SLURM_ARRAY_TASK_ID")
    #expect(
      refusal("auto/3", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"]).contains("the Slurm array has 4 tasks"))
    #expect(
      refusal("auto", ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"]).contains(
        "--array=0-2"))
    // Kubernetes and AWS Batch give the index only.
    #expect(try shard("auto/4", ["JOB_COMPLETION_INDEX": "3"]) == "3/4 JOB_COMPLETION_INDEX")
    #expect(try shard("auto/2", ["AWS_BATCH_JOB_ARRAY_INDEX": "0"]) == "0/2 AWS_BATCH_JOB_ARRAY_INDEX")
    #expect(refusal("auto", ["JOB_COMPLETION_INDEX": "1"]).contains("--shard auto/N"))
    #expect(refusal("auto/2", ["AWS_BATCH_JOB_ARRAY_INDEX": "2"]).contains("not below 2"))
    #expect(refusal("auto/2", ["JOB_COMPLETION_INDEX": "one"]).contains("not a whole number"))
    #expect(refusal("auto/2", ["JOB_COMPLETION_INDEX": "0", "AWS_BATCH_JOB_ARRAY_INDEX": "0"]).contains("both"))
    // Outside a scheduler: a sentence naming the variables, not a shard 0.
    let none = refusal("auto", ["SLURM_JOB_ID": "12", "PATH": "/bin"])
    #expect(
      none.contains("no scheduler's array index is set") && none.contains("SLURM_ARRAY_TASK_ID") && none.contains("--shard I/N"))
    for bad in ["auto/0", "auto/x", "auto/2/3", "4/4"] {
      #expect(refusal(bad, ["JOB_COMPLETION_INDEX": "0"]).contains("--shard takes"))
    }
  }

  @Test func theStreamedReportIsWhatJSONEncoderWouldWrite() throws {
    // report.json is written a user at a time; it must be the very text of encoding it whole.
    let manifest = try Self.manifest("user,inputs\nalice,missing-a.txt\nbob,missing-b.txt\ncarol,missing-c.txt\n")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)").path
    let run = try TenantMigration.run(
      manifest: manifest, options: TenantOptions(outputFolder: folder, defaultTarget: "otpauth", jobs: 2))
    #expect(run.summary.failed == 3 && run.failedUsers.map(\.user) == ["alice", "bob", "carol"])
    let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + TenantMigration.reportName))
    let report = try JSONDecoder().decode(TenantReport.self, from: written)
    #expect(report.users.map(\.user) == ["alice", "bob", "carol"])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    #expect(written == (try encoder.encode(report)) + Data("\n".utf8))
    let empty = TenantReport(shards: [], users: [])
    #expect(Data(try empty.json()) == (try encoder.encode(empty)) + Data("\n".utf8))
  }

  @Test func htmlEscapesWhatUsersWrote() throws {
    let manifest = try Self.manifest("user,inputs\n<b>evil</b>&co,missing.txt\n")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tenant-\(UUID().uuidString)").path
    let report = try TenantMigration.run(
      manifest: manifest, options: TenantOptions(outputFolder: folder, defaultTarget: "otpauth", jobs: 1))
    #expect(report.summary.failed == 1)
    let html = try String(contentsOfFile: folder + "/" + TenantMigration.htmlName, encoding: .utf8)
    #expect(html.contains("&lt;b&gt;evil&lt;/b&gt;&amp;co") && !html.contains("<b>evil"))
  }
}
