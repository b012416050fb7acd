import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/shared-specs.js';
import { DISPATCH_INPUT_NAMES } from '../../app/dispatch/dispatch-inputs.js';
import { parseActionFile, parseWorkflowFile } from '../support/workflow-parser.js';

const WORKFLOWS = path.join(PROJECT_ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

describe("workflow files, checked with GitHub's own parser", () => {
  it('there are workflows to check', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'check-dist.yml', 'quantumwala.yml']));
  });

  it.each(files)('%s parses and converts without errors', async (file) => {
    const { template, errors } = await parseWorkflowFile(
      file,
      readFileSync(path.join(WORKFLOWS, file), 'utf8'),
    );
    expect(errors).toEqual([]);
    expect(template?.jobs.length).toBeGreaterThan(0);
  });

  it('a broken workflow is reported (the check can fail)', async () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs. }}\n';
    expect((await parseWorkflowFile('broken.yml', broken)).errors.length).toBeGreaterThan(0);
  });

  it('the matrix workflow takes the inputs the app dispatches', async () => {
    const content = readFileSync(path.join(WORKFLOWS, 'quantumwala.yml'), 'utf8');
    const { template } = await parseWorkflowFile('quantumwala.yml', content);
    expect(
      template?.events.workflow_dispatch?.inputs ? Object.keys(template.events.workflow_dispatch.inputs) : [],
    ).toEqual([...DISPATCH_INPUT_NAMES]);
  });

  it("action.yml is a valid action (GitHub's action schema)", () => {
    expect(
      parseActionFile('action.yml', readFileSync(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')),
    ).toEqual([]);
  });
});
