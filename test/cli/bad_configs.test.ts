// ≥30 malformed configs and bad command lines, each through the real CLI:
// exit code 2 (1 for run failures), a specific message, no stack trace.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { STACK_LINE, fixturesDir, runCli, tempDir } from '../helpers/cli';

interface Case {
  name: string;
  args: string[];
  expect: string[];
  code?: number;
}

const dir = path.join(fixturesDir, 'bad_configs');
const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Case[];

describe('malformed configs through the CLI', { concurrency: 4 }, () => {
  it('has at least 30 config cases, all with a specific expectation', () => {
    const configCases = cases.filter((c) => c.args[0] === 'config');
    assert.ok(configCases.length >= 30, `only ${configCases.length} config cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
    for (const c of cases) assert.ok(c.expect.length > 0, `${c.name} checks no message`);
  });

  it('accepts the base config the cases start from', async () => {
    const result = await runCli(['config', '_good.yaml'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /type: DANN/);
  });

  for (const c of cases) {
    it(`${c.name}: fastda ${c.args.join(' ')}`, async () => {
      const tmp = tempDir();
      const args = c.args.map((a) => a.replace('{tmp}', tmp));
      const result = await runCli(args, { cwd: dir });
      const expectedCode = c.code ?? 2;
      assert.equal(result.code, expectedCode, `exit code ${result.code}, stderr:\n${result.stderr}`);
      for (const text of c.expect) {
        assert.ok(result.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}:\n${result.stderr}`);
      }
      assert.doesNotMatch(result.stderr, STACK_LINE, 'no stack trace without --debug');
      if (c.args[0] === 'train' && expectedCode === 2) {
        // a config error is found before the work dir is created
        assert.equal(fs.existsSync(path.join(tmp, 'run')), false, 'no work dir for a rejected config');
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    });
  }

  it('prints the stack trace with --debug', async () => {
    const result = await runCli(['config', 'custom_import_throws.yaml', '--debug'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /boom from the user module/);
    assert.match(result.stderr, STACK_LINE);
  });
});
