// scripts/check-keys.sh as the release build runs it (`cargo xtask build`'s first
// step): a build told to trust a key that is no Ed25519 public key stops before
// anything is compiled or written, and says which key; without YIZHAN_PUBLISHER_KEYS
// the check lets the build go on.
//   node --test tests/scripts/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE_KEY = fs.readFileSync(path.join(root, 'sample/SAMPLE-ONLY-publisher.key.pub'), 'utf8').trim();

function withKeys(keys, command) {
  const env = { ...process.env };
  delete env.YIZHAN_PUBLISHER_KEYS;
  if (keys !== undefined) env.YIZHAN_PUBLISHER_KEYS = keys;
  const run = spawnSync('bash', ['-c', `source scripts/env.sh && ${command}`], { cwd: root, env, encoding: 'utf8' });
  return { status: run.status, said: run.stdout + run.stderr };
}

test('the release build stops at the key check on a mistyped key, and writes no dist', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'check-keys-'));
  fs.rmSync(dist, { recursive: true });
  const { status, said } = withKeys(`${SAMPLE_KEY},${SAMPLE_KEY.slice(0, 20)}`,
    `scripts/build.sh --dist ${dist}`);
  assert.notEqual(status, 0);
  assert.match(said, /YIZHAN_PUBLISHER_KEYS: key 2 is 15 bytes, not the 32 of an Ed25519 public key/);
  assert.match(said, /xtask: `bash scripts\/check-keys\.sh` failed/);
  assert.equal(fs.existsSync(dist), false);
  assert.equal(fs.existsSync(`${dist}.staging`), false);
});

test('the check passes good keys, and a build without YIZHAN_PUBLISHER_KEYS', () => {
  const good = withKeys(SAMPLE_KEY, 'bash scripts/check-keys.sh');
  assert.equal(good.status, 0, good.said);
  assert.match(good.said, /1 publisher key\(s\), each an Ed25519 public key/);
  const unset = withKeys(undefined, 'bash scripts/check-keys.sh');
  assert.equal(unset.status, 0, unset.said);
  assert.equal(withKeys('', 'bash scripts/check-keys.sh').status, 1);
});
