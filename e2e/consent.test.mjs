// Browser acceptance test of the OB 3.0 API's consent page (issue 17, "A headless Chromium
// test goes through the consent page"): headless Debian Chromium, driven by playwright-core,
// against a running server at BASE_URL.
//
//   BASE_URL=http://127.0.0.1:8080 E2E_USER=… E2E_PASSWORD=… node --test consent.test.mjs
//
// A client registers through /oauth/register with the redirect URI https://client.example/cb.
// Chromium opens the authorization URL, logs in, sees the consent page and answers it with the
// keyboard only. The navigation to https://client.example/cb (the 302 answering the form) is
// taken by a loopback HTTPS stand-in that Chromium's host resolver maps client.example to
// (Playwright's page.route does not see the hops of a redirect; nothing leaves the machine);
// the test exchanges the code for a token (client_secret_basic, PKCE S256) and reads the API. "Deny" gives error=access_denied. The page's CSP must
// let the form's redirect reach the client (Chromium checks form-action on redirects).
// Screenshots land in E2E_OUT (default ./out). Run through ./run.sh.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL;
const out = process.env.E2E_OUT ?? join(here, "out");
const REDIRECT = "https://client.example/cb";
const OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope";
const SCOPES = [`${OB}/credential.readonly`, `${OB}/profile.readonly`];
const SENTENCES = ["See every Open Badge in your account.", "See your profile (your name and the other details in it)."];

let browser;
let context;
let page;
let client;
const foreign = [];
const redirects = [];
let stand;
const consoleErrors = [];

before(async () => {
  assert.ok(base, "set BASE_URL to a running `credbridge serve --dev` (or use run.sh)");
  assert.ok(process.env.E2E_USER, "set E2E_USER and E2E_PASSWORD: the consent page needs a person to log in");
  mkdirSync(out, { recursive: true });
  const registration = await fetch(new URL("/oauth/register", base), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: "Harbour HR",
      client_uri: "https://client.example/",
      logo_uri: "https://client.example/logo.png",
      tos_uri: "https://client.example/terms",
      policy_uri: "https://client.example/privacy",
      software_id: "e2e-consent",
      software_version: "1.0.0",
      redirect_uris: [REDIRECT],
      scope: SCOPES.join(" "),
    }),
  });
  assert.equal(registration.status, 201, await registration.clone().text());
  client = await registration.json();

  // Playwright routes only the first URL of a redirect chain, and the client is reached by the
  // 302 that answers the consent form. So client.example is mapped to a loopback HTTPS
  // stand-in (a throwaway self-signed certificate) that records what it is sent; nothing
  // leaves the machine. Requests the browser makes on its own go through the route below.
  const dir = mkdtempSync(join(tmpdir(), "consent-e2e-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=client.example", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  stand = createServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) => {
    redirects.push(`https://client.example${req.url}`);
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<!doctype html><title>client</title><p>The client received the answer.</p>");
  });
  await new Promise((done) => stand.listen(0, "127.0.0.1", done));
  rmSync(dir, { recursive: true, force: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--host-resolver-rules=MAP client.example 127.0.0.1:${stand.address().port}`],
  });
  context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ignoreHTTPSErrors: true });
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith(REDIRECT)) foreign.push(url);
  });
  // The client's callback: answered here, never fetched.
  await context.route("https://client.example/**", async (route) => {
    redirects.push(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>client</title><p>The client received the answer.</p>" });
  });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("console", (message) => consoleErrors.push(message.text()));
});

after(async () => {
  await browser?.close();
  stand?.close();
});

async function screenshot(name) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge, state: randomBytes(16).toString("base64url") };
}

function authorizationUrl({ challenge, state }) {
  const url = new URL("/oauth/authorize", base);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: SCOPES.join(" "),
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  return url.href;
}

/** Presses Tab until the focused element is the button with `value`, then Enter. */
async function keyboardAnswer(value) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el.tagName === "BUTTON" ? el.value : null;
    });
    if (focused === value) {
      await screenshot(`31-consent-focus-${value}`);
      const before = redirects.length;
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.href.startsWith(REDIRECT));
      assert.equal(redirects.length, before + 1, "the browser went to the client once");
      return redirects[redirects.length - 1];
    }
  }
  throw new Error(`the ${value} button cannot be reached with Tab`);
}

async function assertConsentPage() {
  assert.equal(new URL(page.url()).pathname, "/oauth/authorize");
  const heading = (await page.locator("h1").textContent()).trim();
  assert.equal(heading, "Allow Harbour HR to use your account?");
  const scopes = await page.locator("ul.consent-scopes li").allTextContents();
  assert.deepEqual(scopes.map((s) => s.trim()), SENTENCES);
  assert.match(await page.locator("dl.facts").textContent(), /client\.example/);
  // Under --dev every other page says no login is needed; a consent always needs one.
  assert.equal(await page.locator(".dev-banner").count(), 0, "no development banner on the consent page");
}

test("log in, approve with the keyboard, exchange the code", async () => {
  const request = pkce();
  await page.goto(authorizationUrl(request));
  // Not logged in: the login page, which comes back to the authorization URL.
  assert.equal(new URL(page.url()).pathname, "/login");
  await screenshot("30-consent-login");
  await page.getByLabel("Email").fill(process.env.E2E_USER);
  await page.getByLabel("Password").fill(process.env.E2E_PASSWORD ?? "");
  await Promise.all([page.waitForURL(/\/oauth\/authorize\?/), page.keyboard.press("Enter")]);
  await assertConsentPage();
  await screenshot("31-consent");

  const location = new URL(await keyboardAnswer("approve"));
  assert.equal(location.origin + location.pathname, REDIRECT);
  assert.equal(location.searchParams.get("state"), request.state);
  const code = location.searchParams.get("code");
  assert.ok(code, location.href);
  await screenshot("32-consent-client");

  const token = await fetch(new URL("/oauth/token", base), {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: request.verifier }),
  });
  assert.equal(token.status, 200, await token.clone().text());
  const { access_token: access, scope } = await token.json();
  assert.deepEqual(scope.split(" ").sort(), [...SCOPES].sort());
  const list = await fetch(new URL("/ims/ob/v3p0/credentials", base), { headers: { Authorization: `Bearer ${access}` } });
  assert.equal(list.status, 200, await list.clone().text());
  assert.ok(list.headers.get("x-total-count"));
  const body = await list.json();
  assert.ok(Array.isArray(body.credential), JSON.stringify(body));
});

test("deny with the keyboard gives error=access_denied", async () => {
  const request = pkce();
  await page.goto(authorizationUrl(request));
  await assertConsentPage();
  const location = new URL(await keyboardAnswer("deny"));
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal(location.searchParams.get("state"), request.state);
  assert.equal(location.searchParams.get("code"), null);
  assert.deepEqual(foreign, [], "the pages loaded nothing from other origins");
  assert.deepEqual(consoleErrors.filter((m) => /Content Security Policy|form-action/.test(m)), []);
});
