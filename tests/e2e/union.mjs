// Shared by the specs that run the union's own programs (union-desk, desk-web): where
// cargo put the release binaries, the real intake server started on a free port, and
// waiting until the app delivered what it sent.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from './support.mjs';

/** A release binary of this workspace (`cargo build --release` puts it under CARGO_TARGET_DIR). */
export const bin = (name) => path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release', name);

/**
 * Starts a program that prints `listening on ADDR` on its standard output once it
 * listens (the system picks the port when asked for `127.0.0.1:0`).
 * Returns `{ child, url }` with `url` = `http://ADDR`.
 */
export async function startListening(program, args) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/listening on (?:http:\/\/)?([^\s/]+)/);
      if (m) resolve(`http://${m[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`${path.basename(program)} exited (${code}): ${seen}`)));
  });
  return { child, url };
}

/**
 * The real intake server (`yizhan-intake serve`, sealed requests only) with its database
 * in `dir`, the app's `origin` allowed, the desk's token in `tokenFile`.
 */
export function startIntake({ dir, origin, tokenFile }) {
  return startListening(bin('yizhan-intake'), ['serve', '--db', path.join(dir, 'intake.sqlite'),
    '--listen', '127.0.0.1:0', '--allow-origin', origin, '--require-sealed', '--desk-token-file', tokenFile]);
}

/** Waits until every request in the page's outbox (there are `count`) was delivered to the intake. */
export async function delivered(page, count) {
  await page.waitForFunction((n) => {
    const items = JSON.parse(localStorage.getItem('yizhan.outbox.v1') ?? '[]');
    return items.length === n && items.every((i) => i.delivery?.state === 'sent');
  }, count, { timeout: 40000 }).catch(async (e) => {
    const held = await page.evaluate(() => localStorage.getItem('yizhan.outbox.v1'));
    throw new Error(`${e.message}; the outbox holds: ${held}`);
  });
}
