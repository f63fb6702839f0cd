// Keeps the pictures of README.md, docs/guide.md and docs/accessibility.md true: every image they show is a screenshot an
// end-to-end spec takes, copied from artifacts/screenshots/ into docs/images/ after a passing run.
//
//   node lib/publish-guide.mjs          copy the referenced screenshots of this run into docs/images/
//                                       (run by `npm test` after the specs pass); fails when one is
//                                       missing from the run, and removes docs/images/ files that
//                                       nothing references
//   node lib/publish-guide.mjs --check  change nothing; fail when a referenced image is not in
//                                       docs/images/, is not named after a spec's screenshot, or when
//                                       docs/images/ holds an image nothing references
//
// The check also runs as specs/docs-images.test.mjs, so a run fails on a broken picture.
import { copyFile, readdir, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The documents whose images must come from the end-to-end run. */
export const DOCUMENTS = ["README.md", "docs/guide.md", "docs/accessibility.md"];
/** Where the published images live. */
export const IMAGES = path.join(ROOT, "docs", "images");
const SCREENSHOTS = path.join(ROOT, "artifacts", "screenshots");
const SPECS = path.join(ROOT, "tests", "e2e", "specs");

/** Images a Markdown document shows (`![alt](src)` and `<img src="...">`), as repository paths. */
export async function imagesOf(document) {
  return parseImages(await readFile(path.join(ROOT, document), "utf8"), document);
}

/** Images `text` (the Markdown of `document`) shows, resolved to repository paths; web addresses left out. */
export function parseImages(text, document) {
  const found = [];
  for (const m of text.matchAll(/!\[[^\]]*\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)) found.push(m[1] ?? m[2]);
  for (const m of text.matchAll(/<img\b[^>]*\bsrc\s*=\s*"([^"]+)"/gi)) found.push(m[1]);
  return found
    .filter((src) => !/^[a-z]+:\/\//i.test(src))
    .map((src) => path.relative(ROOT, path.resolve(ROOT, path.dirname(document), decodeURI(src))).split(path.sep).join("/"));
}

/**
 * The screenshot names the specs can produce, as anchored regular expressions: every
 * `screenshot(driver, NAME)` with NAME a string or template literal (a `${...}` part matches any
 * characters but "/"). Names of failure screenshots (ending in FAILED) are left out.
 */
export async function specScreenshotNames() {
  const patterns = [];
  for (const file of (await readdir(SPECS)).filter((f) => f.endsWith(".mjs")).sort()) {
    const text = await readFile(path.join(SPECS, file), "utf8");
    patterns.push(...screenshotNames(text).map((n) => ({ spec: file, ...n })));
  }
  return patterns;
}

/** The `screenshot(driver, NAME)` calls of a spec's source, as `{literal, re}`. */
export function screenshotNames(source) {
  const out = [];
  for (const m of source.matchAll(/screenshot\(\s*\w+\s*,\s*(["'`])((?:(?!\1)[^\\]|\\.)*)\1\s*\)/g)) {
    const literal = m[2];
    if (/FAILED/.test(literal)) continue;
    const escape = (part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = m[1] === "`" ? literal.split(/\$\{[^}]*\}/).map(escape).join("[^/]*?") : escape(literal);
    out.push({ literal, re: new RegExp(`^${pattern}$`) });
  }
  return out;
}

/** Every referenced image with its document and screenshot name. */
export async function referencedImages() {
  const out = [];
  for (const document of DOCUMENTS) {
    for (const image of await imagesOf(document)) out.push({ document, image, name: path.basename(image, ".png") });
  }
  return out;
}

/**
 * What is wrong with the published images, as sentences (empty when all is well): each image
 * README.md, docs/guide.md and docs/accessibility.md show must be a PNG in docs/images/, exist there, and be named after a
 * screenshot some spec takes; docs/images/ holds nothing else.
 */
export async function problems() {
  const names = await specScreenshotNames();
  const refs = await referencedImages();
  const out = [];
  for (const { document, image, name } of refs) {
    if (!image.startsWith("docs/images/") || !image.endsWith(".png")) {
      out.push(`${document} shows ${image}: images must be PNGs in docs/images/, copied there from an end-to-end run`);
      continue;
    }
    if (!existsSync(path.join(ROOT, image))) out.push(`${document} shows ${image}, which does not exist`);
    if (!names.some((n) => n.re.test(name))) {
      out.push(`${document} shows ${image}, but no spec in tests/e2e/specs takes a screenshot named ${name}`);
    }
  }
  const wanted = new Set(refs.map((r) => path.basename(r.image)));
  if (existsSync(IMAGES)) {
    for (const file of await readdir(IMAGES)) {
      if (!wanted.has(file)) out.push(`docs/images/${file} is not shown by ${DOCUMENTS.join(" or ")}`);
    }
  }
  return out;
}

/** Copies this run's screenshots into docs/images/; returns what is wrong (empty when all is well). */
export async function publish() {
  const refs = await referencedImages();
  const out = [];
  let copied = 0;
  const done = new Set();
  for (const { document, image, name } of refs) {
    if (done.has(image) || !image.startsWith("docs/images/")) continue;
    done.add(image);
    const from = path.join(SCREENSHOTS, `${name}.png`);
    if (!existsSync(from)) {
      out.push(`${document} shows ${image}, but this run saved no artifacts/screenshots/${name}.png`);
      continue;
    }
    await copyFile(from, path.join(ROOT, image));
    copied += 1;
  }
  const wanted = new Set(refs.map((r) => path.basename(r.image)));
  let removed = 0;
  if (existsSync(IMAGES)) {
    for (const file of await readdir(IMAGES)) {
      if (!wanted.has(file)) {
        await rm(path.join(IMAGES, file));
        removed += 1;
      }
    }
  }
  console.log(`publish-guide: ${copied} screenshots copied to docs/images/${removed > 0 ? `, ${removed} unreferenced removed` : ""}`);
  return out.concat(await problems());
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = process.argv.includes("--check") ? await problems() : await publish();
  for (const p of found) console.error(`publish-guide: ${p}`);
  process.exit(found.length === 0 ? 0 : 1);
}
