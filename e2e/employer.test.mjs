// Browser acceptance test of the employer's side (issue 14, "A headless Chromium test goes from
// upload through candidate profile, job and ranked matches to an export, with screenshots"):
// headless Debian Chromium, driven by playwright-core, against a running server at BASE_URL.
//
//   BASE_URL=http://127.0.0.1:8080 node --test employer.test.mjs
//
// Optional: E2E_USER / E2E_PASSWORD (log in through the form; without them the test expects
// `--dev`), CHROMIUM (default /usr/bin/chromium), E2E_OUT (screenshots, default ./out).
// Run through ./run.sh, which starts the server for you. Every step uses the pages' own forms
// and links, with JavaScript off, so that the dashboard is shown to work without it.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const VALID = resolve(here, "..", "examples", "ob3-eddsa-rdfc-2022.json");
const ACHIEVEMENT = "Data Analysis with Python";
const PYTHON_SKILL = "Python (computer programming)";

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
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // No JavaScript: every step must work with plain forms and links.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false, acceptDownloads: true });
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) foreign.push(url);
  });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
});

async function screenshot(name) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

async function submit(button) {
  await Promise.all([page.waitForURL(/./, { waitUntil: "load" }), button.click()]);
}

test("upload → candidate profile → job → ranked matches → export", async () => {
  const user = process.env.E2E_USER;
  if (user) {
    await page.goto(new URL("/login", base).href);
    await page.getByLabel("Email").fill(user);
    await page.getByLabel("Password").fill(process.env.E2E_PASSWORD ?? "");
    await submit(page.getByRole("button", { name: "Log in", exact: true }));
  }

  // 1. Upload through the inbox's form.
  await page.goto(new URL("/inbox", base).href);
  await page.locator("details.upload summary").click();
  await page.setInputFiles("#inbox-file", VALID);
  await submit(page.locator('form[action="/inbox/upload"]').getByRole("button", { name: "Add and verify", exact: true }));
  await page.goto(new URL("/inbox", base).href);
  assert.match(await page.locator("table.inbox tbody").textContent(), new RegExp(ACHIEVEMENT));
  await screenshot("20-inbox");

  // 2. Candidates, searched by skill; then the candidate's profile.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Candidates" }).click();
  await page.waitForLoadState("load");
  assert.equal((await page.locator("h1").textContent()).trim(), "Candidates");
  await page.getByLabel("Skill, achievement or issuer").fill("python");
  await submit(page.getByRole("button", { name: "Search", exact: true }));
  const rows = page.locator("table.candidates tbody tr");
  assert.ok((await rows.count()) >= 1, "the uploaded candidate is found by skill");
  await screenshot("21-candidates");
  await submit(rows.first().getByRole("link"));
  assert.match(await page.locator("h1").textContent(), /Candidate/);
  const skills = page.locator("table.skills");
  const python = skills.locator("tbody tr", { hasText: PYTHON_SKILL }).first();
  assert.match(await python.textContent(), /verified/);
  assert.match(await python.textContent(), new RegExp(ACHIEVEMENT));
  assert.match(await python.textContent(), /valid with warnings/);
  assert.match(await page.locator("ul.links").textContent(), /the recipient is the DID|salted|the only credential/);
  await screenshot("22-candidate");
  const candidateUrl = page.url();

  // 3. A job from text, with the form.
  await page.goto(new URL("/dashboard/jobs", base).href);
  await page.getByLabel("text, one requirement per line", { exact: false }).check();
  await page.getByLabel("Title (for text)").fill("Junior data analyst");
  await page.getByLabel("ESCO occupation IRI, O*NET code, JSON Resume job, or text").fill("computer programming\nSQL\nproject management, nice to have");
  await screenshot("23-new-job");
  await submit(page.getByRole("button", { name: "Create the job", exact: true }));
  assert.match(page.url(), /\/dashboard\/jobs\//);
  assert.equal((await page.locator("h1").textContent()).trim(), "Junior data analyst");

  // 4. Ranked matches with the per-requirement explanation.
  const first = page.locator("article.match").first();
  const programming = first.locator("table.explanation tbody tr", { hasText: "computer programming" }).first();
  assert.equal(await programming.locator("td[data-status]").getAttribute("data-status"), "met-verified");
  assert.match(await programming.textContent(), new RegExp(ACHIEVEMENT));
  const sql = first.locator("table.explanation tbody tr", { hasText: "SQL" }).first();
  assert.equal(await sql.locator("td[data-status]").getAttribute("data-status"), "not-shown");
  await screenshot("24-job-matches");

  // 5. Export from the candidate's page: the one-page report against the job, as PDF.
  await page.goto(candidateUrl);
  await page.getByLabel("Format").selectOption("pdf");
  await page.getByLabel("Show the match against").selectOption({ label: "Junior data analyst" });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download", exact: true }).click()]);
  const saved = join(out, "25-candidate-report.pdf");
  await download.saveAs(saved);
  assert.equal(readFileSync(saved).subarray(0, 5).toString(), "%PDF-");
  await screenshot("25-export");
});

test("no employer page loaded anything from another host", () => {
  assert.deepEqual(foreign, []);
});
