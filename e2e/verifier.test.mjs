// Browser acceptance test of `credbridge serve` (issue 11, "Browser"): headless Debian Chromium,
// driven by playwright-core, against a running server at BASE_URL.
//
//   BASE_URL=http://127.0.0.1:8080 node --test verifier.test.mjs
//
// Optional: E2E_USER / E2E_PASSWORD (log in through the form; without them the test expects
// `--dev`, where the inbox needs no login on loopback), CHROMIUM (default /usr/bin/chromium),
// E2E_OUT (screenshots, default ./out). Run through ./run.sh, which starts the server for you.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, "..", "examples");
const VALID = join(examples, "ob3-eddsa-rdfc-2022.json");
// The example is genuine and in force, but no registry or domain confirms its issuer (a did:key
// that calls itself "Riverside Community College"): valid, with warnings.
const VALID_VERDICT = "valid, with warnings";
const TAMPERED = join(examples, "ob3-tampered.json");
const ACHIEVEMENT = "Data Analysis with Python";

const base = process.env.BASE_URL;
const out = process.env.E2E_OUT ?? join(here, "out");
let browser;
let page;
const foreign = [];

before(async () => {
  assert.ok(base, "set BASE_URL to a running `credbridge serve --dev` (or use run.sh)");
  mkdirSync(out, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    // The sandbox needs user namespaces, which containers and CI runners as root lack.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // The pages must never load anything from another host (credential images are links).
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) foreign.push(url);
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
});

async function shot(name) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

/** The verdict of the first (or only) item on a results page, as the report words it. */
async function verdict() {
  return (await page.locator("article.item .verdict-words").first().textContent()).trim();
}

async function uploadAndVerify(file) {
  await page.goto(new URL("/", base).href);
  await page.setInputFiles("#verify-file", file);
  await Promise.all([page.waitForURL(/./, { waitUntil: "load" }), page.getByRole("button", { name: "Verify", exact: true }).click()]);
}

test("the verifier page offers a file, pasted text and a URL, with labels", async () => {
  await page.goto(new URL("/", base).href);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal((await page.locator("h1").textContent()).trim(), "Verify a credential");
  for (const label of ["Credential text (JSON, a JWT, or JSON Lines)", "URL of a hosted credential or badge image"]) {
    assert.equal(await page.getByLabel(label).count(), 1, label);
  }
  // Keyboard: the first Tab reaches the skip link, and it is visible when focused.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await shot("01-verifier");
});

test("uploading the bundled example shows valid with warnings (unconfirmed issuer) and the achievement's name", async () => {
  await uploadAndVerify(VALID);
  // Genuine and in force, but no registry or domain confirms the issuer's name.
  assert.equal(await verdict(), VALID_VERDICT);
  const heading = await page.locator("article.item h2").first().textContent();
  assert.match(heading, new RegExp(ACHIEVEMENT));
  // The header says who issued it and whether that is confirmed.
  const facts = await page.locator("article.item dl.facts").first().textContent();
  assert.match(facts, /Riverside Community College/);
  assert.match(facts, /confirmed/);
  await shot("02-valid");
});

test("uploading the tampered copy shows invalid and the failing check in words", async () => {
  await uploadAndVerify(TAMPERED);
  assert.equal(await verdict(), "invalid");
  const failed = page.locator("ul.check-list li.check-failed");
  assert.ok((await failed.count()) >= 1, "a failed check is listed");
  const words = (await failed.first().locator(".check-message").textContent()).trim();
  assert.match(words, /signature/);
  assert.match(words, /changed after it was issued/);
  await shot("03-tampered");
});

/** Presses Tab until the focused element matches `selector` (keyboard-only use). */
async function tabTo(selector) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

test("pasted text is verified like a file, using the keyboard only", async () => {
  await page.goto(new URL("/", base).href);
  await tabTo("#verify-text");
  await page.keyboard.insertText(readFileSync(VALID, "utf8"));
  await tabTo('button[type="submit"].primary');
  // The focused button shows a visible focus ring.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await shot("04-keyboard-focus");
  await Promise.all([page.waitForURL(/./, { waitUntil: "load" }), page.keyboard.press("Enter")]);
  assert.equal(await verdict(), VALID_VERDICT);
  assert.match(await page.locator("article.item h2").first().textContent(), new RegExp(ACHIEVEMENT));
});

test("a file dropped on the drop zone is verified (verifier.js)", async () => {
  await page.goto(new URL("/", base).href);
  const text = readFileSync(TAMPERED, "utf8");
  const navigation = page.waitForURL(/./, { waitUntil: "load" });
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], "dropped.json", { type: "application/json" }));
    const zone = document.querySelector("[data-dropzone]");
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, text);
  await navigation;
  assert.equal(await verdict(), "invalid");
});

test("logging in shows the inbox", async () => {
  const user = process.env.E2E_USER;
  if (user) {
    await page.goto(new URL("/login", base).href);
    await shot("05-login");
    await page.getByLabel("Email").fill(user);
    await page.getByLabel("Password").fill(process.env.E2E_PASSWORD ?? "");
    await Promise.all([page.waitForURL(/./, { waitUntil: "load" }), page.getByRole("button", { name: "Log in", exact: true }).click()]);
  }
  await page.goto(new URL("/inbox", base).href);
  assert.equal((await page.locator("h1").textContent()).trim(), "Inbox");
  // Add the example through the inbox's own form when the page offers one, and see its row.
  const upload = page.locator('form[action="/inbox/upload"]');
  if ((await upload.count()) > 0) {
    await page.locator("details.upload summary").click();
    await page.setInputFiles("#inbox-file", VALID);
    await Promise.all([page.waitForURL(/./, { waitUntil: "load" }), upload.getByRole("button", { name: "Add and verify", exact: true }).click()]);
    await page.goto(new URL("/inbox", base).href);
    const row = page.locator("table.inbox tbody tr", { hasText: ACHIEVEMENT }).first();
    assert.match(await row.textContent(), /valid/);
    await shot("06-inbox");
    await row.getByRole("link").click();
    await page.waitForLoadState("load");
    assert.equal(await verdict(), VALID_VERDICT);
    await shot("07-credential");
  } else {
    await shot("06-inbox");
  }
});

test("no page loaded anything from another host", () => {
  assert.deepEqual(foreign, []);
});
