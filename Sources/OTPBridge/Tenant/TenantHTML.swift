import Foundation
import OTPCore

/// The tenant report as one self-contained HTML page: the summary, a chart of the outcomes
/// (inline SVG, no script, nothing loaded from the network), the users who must re-enrol
/// Microsoft accounts with the remedy, the failed users with the reason, and every user's row.
public enum TenantHTML {
  public static func render(_ report: TenantReport) -> String {
    var html = ""
    // An in-memory walk cannot fail, so neither can this.
    try? render(shards: report.shards, summary: report.summary, users: TenantUserResults(report.users)) { html += $0 }
    return html
  }

  /// The page, a piece at a time, walking `users` once for each list (a run's journal holds them).
  public static func render(
    shards: [String], summary s: TenantSummary, users: TenantUserResults, append: (String) throws -> Void
  ) throws {
    let title = shards.isEmpty ? "Tenant migration" : "Tenant migration (shards \(shards.joined(separator: ", ")))"
    try append(
      """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <title>\(title.markupEscaped)</title>
      <style>
      body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:62em;color:#1d2330;padding:0 1em}
      h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #d7dce5}
      table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3em .6em;border-bottom:1px solid #e6e9ef;vertical-align:top}
      th{background:#f3f5f8}.num{text-align:right}.done{color:#1f7a3a}.failed{color:#b3261e}.losses{color:#9a6700}
      .cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #d7dce5;border-radius:8px;padding:.6em 1em;min-width:9em}
      .card b{display:block;font-size:1.6em}small{color:#5b6475}
      </style></head><body>
      <h1>\(title.markupEscaped)</h1>
      <div class="cards">
      \(card("users done", "\(s.done) of \(s.users)", "done"))
      \(card("users failed", "\(s.failed)", "failed"))
      \(card("done with losses", "\(s.withLosses)", "losses"))
      \(card("must re-enrol Microsoft", "\(s.microsoftReenrol)", "failed"))
      \(card("accounts moved as they were", "\(s.movedUnchanged)", "done"))
      \(card("accounts changed", "\(s.changed)", "losses"))
      \(card("accounts lost", "\(s.lost)", "failed"))
      \(card("Microsoft accounts to re-enrol", "\(s.reenrol ?? 0)", "losses"))
      \(card("files not encrypted", "\(s.plaintextOutputs ?? 0)", "losses"))
      </div>
      <h2>Outcomes</h2>
      \(chart(s))

      """)
    try append("<h2>Users who must re-enrol Microsoft accounts (\(s.microsoftReenrol))</h2>\n")
    if s.microsoftReenrol == 0 {
      try append("<p>None.</p>\n")
    } else {
      // Each remedy once, for the admin, with the users and entries it is for: the remedy the
      // audit gives a user ("You: …") is said to the admin who sends it on.
      var remedies: [String] = []
      try users.forEach { user in
        for finding in user.microsoft where !remedies.contains(finding.remedy ?? "") { remedies.append(finding.remedy ?? "") }
      }
      try append(
        "<p>These entries hold no secret another app can use, so they cannot be moved: each user enrols the account again in the new app, then removes the old entry.</p>\n"
      )
      for remedy in remedies {
        try append("<h3>What to do</h3>\n<p>\(Classifier.forAdmin(remedy).markupEscaped)</p>\n")
        try append("<table><tr><th>user</th><th>account</th><th>why</th></tr>\n")
        try users.forEach { user in
          for finding in user.microsoft where (finding.remedy ?? "") == remedy {
            let place =
              ((finding.file ?? "") as NSString).lastPathComponent
              + (finding.line.map { " line \($0)" } ?? finding.entry.map { " entry \($0)" } ?? "")
            try append(
              "<tr><td>\(user.user.markupEscaped)</td><td>\((finding.account ?? place).markupEscaped)</td>"
                + "<td>\(finding.message.markupEscaped)</td></tr>\n")
          }
        }
        try append("</table>\n")
      }
    }
    try append("<h2>Failed users (\(s.failed))</h2>\n")
    if s.failed == 0 {
      try append("<p>None.</p>\n")
    } else {
      try append("<table><tr><th>user</th><th>reason</th></tr>\n")
      try users.forEach { user in
        guard user.status == .failed else { return }
        try append("<tr><td>\(user.user.markupEscaped)</td><td class=\"failed\">\((user.reason ?? "").markupEscaped)</td></tr>\n")
      }
      try append("</table>\n")
    }
    try append(
      """
      <h2>All users</h2>
      <table><tr><th>user</th><th>status</th><th>target</th><th class="num">read</th><th class="num">moved</th>\
      <th class="num">changed</th><th class="num">dropped</th><th class="num">unreadable</th><th class="num">to re-enrol</th></tr>

      """)
    try users.forEach { user in
      try append(
        "<tr><td>\(user.user.markupEscaped)</td><td class=\"\(user.status.rawValue)\">\(user.status.rawValue)"
          + (user.note.map { "<br><small>\($0.markupEscaped)</small>" } ?? "")
          + (user.encrypted == false ? "<br><small class=\"losses\">not encrypted</small>" : "") + "</td>"
          + "<td>\((user.target ?? "").markupEscaped)</td><td class=\"num\">\(user.accounts)</td><td class=\"num\">\(user.moved)</td>"
          + "<td class=\"num\">\(user.changed)</td><td class=\"num\">\(user.dropped)</td><td class=\"num\">\(user.unreadable)</td>"
          + "<td class=\"num\">\(user.reenrol ?? 0)</td></tr>\n"
      )
    }
    try append(
      "</table>\n<p><small>Made by otpbridge tenant. No secret or password is in this report.</small></p>\n</body></html>\n")
  }

  static func card(_ label: String, _ value: String, _ style: String) -> String {
    "<div class=\"card\"><b class=\"\(style)\">\(value.markupEscaped)</b><small>\(label.markupEscaped)</small></div>"
  }

  /// Two stacked bars: users (done cleanly, done with losses, failed) and accounts (moved as
  /// they were, changed, lost, Microsoft to re-enrol), each with a legend.
  static func chart(_ s: TenantSummary) -> String {
    let bars: [(String, [(String, Int, String)])] = [
      (
        "Users",
        [
          ("done", s.done - s.withLosses, "#2e9e55"), ("done with losses", s.withLosses, "#e0a100"),
          ("failed", s.failed, "#d1453b"),
        ]
      ),
      (
        "Accounts",
        [
          ("moved unchanged", s.accountsMoved - s.changed, "#2e9e55"), ("changed", s.changed, "#e0a100"),
          ("lost", s.lost, "#d1453b"), ("to re-enrol", s.reenrol ?? 0, "#7a4fb5"),
        ]
      ),
    ]
    let width = 720.0, left = 90.0, barWidth = width - left - 10
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"190\" role=\"img\" aria-label=\"Outcomes of users and accounts\">\n"
    for (row, (name, segments)) in bars.enumerated() {
      let y = 10.0 + Double(row) * 90
      let total = segments.map(\.1).reduce(0, +)
      svg += "<text x=\"0\" y=\"\(y + 22)\" font-size=\"14\" font-family=\"sans-serif\">\(name)</text>\n"
      var x = left
      for (label, value, color) in segments where value > 0 && total > 0 {
        let w = barWidth * Double(value) / Double(total)
        svg +=
          "<rect x=\"\(format(x))\" y=\"\(y)\" width=\"\(format(w))\" height=\"34\" fill=\"\(color)\"><title>\(label.markupEscaped): \(value)</title></rect>\n"
        x += w
      }
      if total == 0 {
        svg += "<rect x=\"\(left)\" y=\"\(y)\" width=\"\(format(barWidth))\" height=\"34\" fill=\"#e6e9ef\"/>\n"
      }
      var legendX = left
      for (label, value, color) in segments {
        svg += "<rect x=\"\(format(legendX))\" y=\"\(y + 44)\" width=\"12\" height=\"12\" fill=\"\(color)\"/>"
        let text = "\(label): \(value)"
        svg +=
          "<text x=\"\(format(legendX + 16))\" y=\"\(y + 55)\" font-size=\"13\" font-family=\"sans-serif\">\(text.markupEscaped)</text>\n"
        legendX += 16 + Double(text.count) * 7.5 + 18
      }
    }
    return svg + "</svg>"
  }

  static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
