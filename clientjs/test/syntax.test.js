// Every module the pages load parses as an ES module. The page modules
// touch the DOM when imported, so node cannot run them; it can check them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  test(`${f} parses as a module`, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: fs.readFileSync(path.join(dir, f)), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
}
