// Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside each text and wasm
// file in the given directory, once at build time, so the server sends the smallest encoding
// the browser accepts without compressing on every request (tower-http's ServeDir picks them).
// Run by script/build-app after Trunk: `node script/precompress.mjs dist`.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const compressible = new Set([".wasm", ".js", ".css", ".html", ".svg", ".json"]);
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node script/precompress.mjs <dist dir>");
  process.exit(2);
}

let files = 0;
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (compressible.has(extname(name))) {
      const raw = readFileSync(path);
      const br = brotliCompressSync(raw, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_LGWIN]: 24,
          [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      });
      writeFileSync(`${path}.br`, br);
      writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
      files += 1;
    }
  }
};
walk(dir);
console.log(`==> precompressed ${files} files in ${dir} (brotli and gzip)`);
