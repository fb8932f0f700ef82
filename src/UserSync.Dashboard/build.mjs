// Bundles the dashboard into OUT_DIR (index.html, app.js, app.css): esbuild, minified, one file
// each, with ECharts tree-shaken to the parts the chart uses. Run by the function app's build
// (src/UserSync.Functions/UserSync.Functions.csproj) after `npm ci`; no CDN at run time.
// Usage: node build.mjs OUT_DIR
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUT_DIR");
  process.exit(64);
}

await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(here, "src/main.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome110", "firefox110", "safari16"],
  outdir: out,
  legalComments: "eof",
  logLevel: "warning",
});
await build({
  entryPoints: { app: join(here, "src/app.css") },
  bundle: true,
  minify: true,
  outdir: out,
  logLevel: "warning",
});
await copyFile(join(here, "index.html"), join(out, "index.html"));
