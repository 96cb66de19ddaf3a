/// The page `otpbridge serve` shows: HTML, CSS and JavaScript served from the binary, with no
/// framework and nothing from another site (the Content-Security-Policy allows only this origin).
/// Every name from a file reaches the page through `textContent`, never as HTML.
enum ServePage {
  static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>otpbridge: move your two-factor accounts</title>
    <link rel="stylesheet" href="app.css">
    <script src="app.js" defer></script>
    </head>
    <body>
    <header>
      <h1>otpbridge</h1>
      <p>Move your two-factor accounts from one app to another. Everything stays on this computer:
      the files you add are kept in memory only, and forgotten when you press Done.</p>
    </header>
    <main>
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">1. Add your exports</h2>
        <p>Backups and exports of authenticator apps and password managers, or screenshots of QR codes.</p>
        <div id="drop" class="drop">
          <label for="pick" class="button">Choose files</label>
          <input id="pick" type="file" multiple>
          <span>or drop them here</span>
        </div>
      </section>
      <section aria-labelledby="files-heading">
        <h2 id="files-heading">2. What they hold</h2>
        <p id="empty">No file yet.</p>
        <ul id="files" class="files"></ul>
      </section>
      <section aria-labelledby="convert-heading">
        <h2 id="convert-heading">3. Choose the app to move to</h2>
        <form id="convert-form">
          <label for="target">Target app or format</label>
          <select id="target" required></select>
          <div id="new-password-row" hidden>
            <label for="new-password" id="new-password-label">New password for the file</label>
            <input id="new-password" type="password" autocomplete="new-password">
          </div>
          <button type="submit" id="convert">Convert</button>
        </form>
        <div id="result" hidden>
          <h3>Loss report</h3>
          <pre id="report"></pre>
          <button type="button" id="download">Download the file</button>
          <div id="codes" hidden>
            <h3>Scan these codes with the new app</h3>
            <p id="code-count"></p>
            <figure>
              <img id="code-image" alt="">
              <figcaption id="code-caption"></figcaption>
            </figure>
            <ul id="code-accounts"></ul>
            <button type="button" id="previous-code">Previous code</button>
            <button type="button" id="next-code">Next code</button>
          </div>
        </div>
      </section>
      <section aria-labelledby="done-heading">
        <h2 id="done-heading">4. Finish</h2>
        <p>Check that every account shows codes in the new app before you delete the old one.</p>
        <button type="button" id="start-over">Start over</button>
        <button type="button" id="done">Done: forget everything and stop</button>
      </section>
    </main>
    <p id="status" role="status" aria-live="polite"></p>
    </body>
    </html>

    """

  static let css = """
    :root { font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; }
    body { max-width: 60rem; margin: 0 auto; padding: 1rem; }
    h1 { margin-bottom: 0; }
    section { border-top: 1px solid #ccc; padding: 0.5rem 0 1rem; }
    .drop { border: 2px dashed #666; border-radius: 0.5rem; padding: 1.5rem; text-align: center; }
    .drop.over { background: #eef5ff; border-color: #0645ad; }
    .drop input { position: absolute; width: 1px; height: 1px; opacity: 0; }
    .button, button { display: inline-block; font: inherit; padding: 0.4rem 0.9rem; margin: 0.2rem;
      border: 1px solid #0645ad; border-radius: 0.3rem; background: #0645ad; color: #fff; cursor: pointer; }
    button:focus-visible, .drop:focus-within .button, input:focus-visible, select:focus-visible {
      outline: 3px solid #f5a623; outline-offset: 2px; }
    .files { list-style: none; padding: 0; }
    .files > li { border: 1px solid #ccc; border-radius: 0.4rem; padding: 0.6rem; margin: 0.5rem 0; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
    .finding { margin: 0.3rem 0; }
    .error { color: #a40000; }
    .warning { color: #7a4d00; }
    .remedy { display: block; color: #1a1a1a; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: 0.5rem; }
    label { display: block; margin-top: 0.5rem; }
    input[type=password], select { font: inherit; padding: 0.3rem; max-width: 100%; }
    figure img { width: min(20rem, 90vw); height: auto; image-rendering: pixelated; background: #fff; }
    #status { font-weight: bold; }

    """

  static let javascript = #"""
    "use strict";
    // The session is the cookie the printed address gave; every request also carries a header,
    // which another site's page cannot set.
    const base = "/api/";
    let codes = [];
    let codeIndex = 0;

    // An action's failure is said on the page, never dropped.
    function guarded(action) {
      return async (...args) => { try { await action(...args); } catch (error) { say(error.message); } };
    }

    function $(id) { return document.getElementById(id); }
    function say(text) { $("status").textContent = text; }

    async function api(path, options = {}) {
      options.headers = Object.assign({ "X-OTPBridge": "1" }, options.headers || {});
      const response = await fetch(base + path, options);
      if (!response.ok) {
        let message = "The request failed (" + response.status + ").";
        try { message = (await response.json()).error || message; } catch (e) {}
        throw new Error(message);
      }
      return response;
    }

    function element(tag, text, className) {
      const node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      if (className) node.className = className;
      return node;
    }

    async function upload(files) {
      try {
        for (const file of files) {
          say("Adding " + file.name + "…");
          await api("files", { method: "POST", headers: { "X-File-Name": encodeURIComponent(file.name) }, body: file })
            .catch((error) => { throw new Error(file.name + ": " + error.message); });
        }
        say("");
      } catch (error) {
        say(error.message);
      } finally {
        await refresh().catch((error) => say(error.message));
      }
    }

    function fileItem(file) {
      const item = element("li");
      item.appendChild(element("h3", file.name));
      const about = file.status === "read"
        ? file.accounts.length + " account(s), " + (file.format || "") + (file.encrypted ? ", encrypted" : "")
        : file.message;
      item.appendChild(element("p", about, file.status === "read" ? "" : "error"));
      if (file.status === "needsPassword" || file.status === "wrongPassword") {
        const form = element("form");
        const id = "password-" + file.id;
        const label = element("label", "Password of " + file.name);
        label.htmlFor = id;
        const input = element("input");
        input.type = "password"; input.id = id; input.autocomplete = "off";
        const button = element("button", "Open");
        button.type = "submit";
        form.append(label, input, button);
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          try {
            await api("files/" + file.id + "/password", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ password: input.value }) });
            input.value = "";
            const state = await refresh();
            const now = state.files.find((other) => other.id === file.id);
            if (now && now.status === "wrongPassword") {
              say(file.name + ": " + now.message);
              const again = $("password-" + file.id);
              if (again) again.focus();
            } else {
              say(file.name + " is open.");
            }
          } catch (error) { say(error.message); }
        });
        item.appendChild(form);
      }
      if (file.findings.length) {
        const list = element("ul");
        for (const finding of file.findings) {
          const line = element("li", "", "finding " + finding.severity);
          line.appendChild(element("strong", finding.severity.toUpperCase() + ": "));
          line.appendChild(document.createTextNode((finding.account ? finding.account + ": " : "") + finding.message));
          if (finding.remedy) line.appendChild(element("span", "What to do: " + finding.remedy, "remedy"));
          list.appendChild(line);
        }
        item.appendChild(list);
      }
      if (file.accounts.length) {
        const table = element("table");
        table.appendChild(element("caption", "The accounts in " + file.name));
        const head = table.createTHead().insertRow();
        for (const title of ["Issuer", "Name", "Type", "Digits", "Every", "Secret"]) {
          const cell = element("th", title);
          cell.scope = "col";
          head.appendChild(cell);
        }
        const body = table.createTBody();
        for (const account of file.accounts) {
          const row = body.insertRow();
          for (const value of [account.issuer, account.name, account.type, String(account.digits),
            account.period ? account.period + " s" : "counter", "hidden"]) row.appendChild(element("td", value));
        }
        item.appendChild(table);
      }
      const remove = element("button", "Remove " + file.name);
      remove.type = "button";
      remove.addEventListener("click", guarded(async () => {
        await api("files/" + file.id, { method: "DELETE" });
        await refresh();
        say(file.name + " was removed.");
      }));
      item.appendChild(remove);
      return item;
    }

    async function refresh() {
      const state = await (await api("state")).json();
      const list = $("files");
      list.replaceChildren(...state.files.map(fileItem));
      $("empty").hidden = state.files.length > 0;
      const select = $("target");
      if (!select.options.length) {
        for (const target of state.targets) {
          const option = element("option", target.name + " (" + target.id + ")");
          option.value = target.id;
          option.dataset.encryption = target.encryption;
          select.appendChild(option);
        }
        select.value = "aegis";
        targetChanged();
      }
      $("result").hidden = true;
      return state;
    }

    // What the page holds of a conversion: its new password, its codes, its image.
    function forgetResult() {
      $("new-password").value = "";
      codes = [];
      codeIndex = 0;
      const image = $("code-image");
      if (image.src) URL.revokeObjectURL(image.src);
      image.removeAttribute("src");
      $("result").hidden = true;
    }

    function targetChanged() {
      const option = $("target").selectedOptions[0];
      const encryption = option ? option.dataset.encryption : "none";
      $("new-password-row").hidden = encryption === "none";
      $("new-password-label").textContent = encryption === "required"
        ? "New password for the file (this format is always encrypted)"
        : "New password for the file (leave it empty for a file that is not encrypted)";
    }

    async function showCode() {
      codeIndex = Math.max(0, Math.min(codeIndex, codes.length - 1));
      $("previous-code").disabled = true;
      $("next-code").disabled = true;
      const shown = codeIndex;
      const code = codes[shown];
      $("code-count").textContent = "Code " + (codeIndex + 1) + " of " + codes.length;
      const image = await (await api("codes/" + shown)).blob();
      if (shown !== codeIndex) return;
      const old = $("code-image").src;
      $("code-image").src = URL.createObjectURL(image);
      if (old) URL.revokeObjectURL(old);
      $("code-image").alt = "QR code " + (codeIndex + 1) + ": " + code.label;
      $("code-caption").textContent = code.label;
      $("code-accounts").replaceChildren(...code.accounts.map((name) => element("li", name)));
      $("previous-code").disabled = codeIndex === 0;
      $("next-code").disabled = codeIndex === codes.length - 1;
    }

    async function convert(event) {
      event.preventDefault();
      say("Converting…");
      try {
        const body = { target: $("target").value };
        if (!$("new-password-row").hidden && $("new-password").value) body.newPassword = $("new-password").value;
        const result = await (await api("convert", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body) })).json();
        $("new-password").value = "";
        $("report").textContent = result.report;
        const option = $("target").selectedOptions[0];
        const plain = !result.encrypted && option && option.dataset.encryption !== "none";
        $("download").textContent = "Download " + result.fileName;
        $("download").dataset.name = result.fileName;
        $("result").hidden = false;
        codes = result.codes; codeIndex = 0;
        $("codes").hidden = codes.length === 0;
        if (codes.length) await showCode();
        say(result.written + " account(s) converted" + (result.encrypted ? ", encrypted with the new password."
          : plain ? ". NOT ENCRYPTED: the file holds the secrets in plain text; give a new password to encrypt it." : "."));
      } catch (error) { forgetResult(); say(error.message); }
    }

    async function download() {
      const blob = await (await api("download")).blob();
      const link = element("a");
      link.href = URL.createObjectURL(blob);
      link.download = $("download").dataset.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    }

    // A file dropped beside the drop zone must not replace the page.
    document.addEventListener("dragover", (event) => event.preventDefault());
    document.addEventListener("drop", (event) => event.preventDefault());

    document.addEventListener("DOMContentLoaded", () => {
      $("pick").addEventListener("change", (event) => {
        // Copied before the picker is emptied, so that choosing the same file again adds it again.
        const files = Array.from(event.target.files);
        event.target.value = "";
        upload(files);
      });
      const drop = $("drop");
      drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
      drop.addEventListener("dragleave", () => drop.classList.remove("over"));
      drop.addEventListener("drop", (event) => { event.preventDefault(); drop.classList.remove("over"); upload(event.dataTransfer.files); });
      $("target").addEventListener("change", targetChanged);
      $("convert-form").addEventListener("submit", convert);
      $("download").addEventListener("click", guarded(download));
      $("previous-code").addEventListener("click", guarded(() => { codeIndex -= 1; return showCode(); }));
      $("next-code").addEventListener("click", guarded(() => { codeIndex += 1; return showCode(); }));
      $("start-over").addEventListener("click", guarded(async () => {
        say("");
        forgetResult();
        await api("reset", { method: "POST" });
        await refresh();
        say("Everything was forgotten.");
      }));
      $("done").addEventListener("click", guarded(async () => {
        forgetResult();
        await api("done", { method: "POST" });
        const message = element("p", "Done: everything was forgotten and otpbridge has stopped. You can close this tab.");
        message.tabIndex = -1;
        document.querySelector("main").replaceChildren(message);
        message.focus();
        say(message.textContent);
      }));
      refresh().catch((error) => say(error.message));
    });

    """#
}
