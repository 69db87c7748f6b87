import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * gzip and brotli copies of each asset beside it, which the API sends to browsers that accept
 * them (@fastify/static's preCompressed), so no CPU is spent compressing per request.
 */
function precompress(): Plugin {
  return {
    name: 'gantry-precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = join(options.dir ?? join(root, 'dist'), 'assets');
      for (const name of readdirSync(dir).filter((file) => /\.(js|css|svg)$/.test(file))) {
        const file = join(dir, name);
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), precompress()],
  // Brotli at its best quality takes most of the build's time, on purpose: it is paid once per install.
  build: { outDir: join(root, 'dist'), emptyOutDir: true, sourcemap: false, reportCompressedSize: false, rolldownOptions: { checks: { pluginTimings: false } } },
  logLevel: 'warn',
});
