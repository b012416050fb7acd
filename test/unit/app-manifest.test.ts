import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, parse, parseDocument, type Node } from 'yaml';
import { APP_EVENTS } from '../../app/index.js';
import { SPEC_FILE } from '../support/github-emulator.js';
import { PROJECT_ROOT } from '../support/shared-specs.js';

const text = readFileSync(path.join(PROJECT_ROOT, 'app.yml'), 'utf8');

interface Manifest {
  name: string;
  url: string;
  description: string;
  public: boolean;
  default_events: string[];
  default_permissions: Record<string, string>;
  [key: string]: unknown;
}

const manifest = parse(text) as Manifest;

// The events the app registers handlers for (app/index.ts).
const EVENTS: readonly string[] = APP_EVENTS;
const PERMISSIONS = {
  actions: 'write',
  checks: 'write',
  contents: 'write',
  issues: 'write',
  pull_requests: 'write',
  metadata: 'read',
};

describe('app.yml, the GitHub App manifest', () => {
  it('subscribes to exactly the events the app handles', () => {
    expect([...manifest.default_events].sort()).toEqual([...EVENTS].sort());
    expect(new Set(manifest.default_events).size).toBe(manifest.default_events.length);
  });

  it('asks for exactly the permissions the app uses', () => {
    expect(manifest.default_permissions).toEqual(PERMISSIONS);
  });

  it('names a private app and leaves the webhook and redirect URLs to probot', () => {
    expect(manifest).toMatchObject({ name: 'Quantumwala', public: false });
    expect(manifest.url).toMatch(/^https:\/\//);
    expect(manifest.description.length).toBeGreaterThan(0);
    // probot spreads app.yml over the URLs of its setup flow: a value here would replace them.
    expect(Object.keys(manifest).sort()).toEqual(
      ['default_events', 'default_permissions', 'description', 'name', 'public', 'url'].sort(),
    );
  });

  it('says what each event and permission is for', () => {
    const doc = parseDocument(text);
    const events = doc.get('default_events');
    const permissions = doc.get('default_permissions');
    if (!isSeq(events) || !isMap(permissions)) throw new Error('unexpected manifest shape');
    // The comment above a collection's first entry is kept on the collection.
    const commentOf = (node: Node | null, i: number, collection: Node) =>
      node?.commentBefore ?? (i === 0 ? collection.commentBefore : undefined);
    events.items.forEach((item, i) =>
      expect(commentOf(item as Node, i, events), `event ${String(item)}`).toMatch(/\w{3}/),
    );
    permissions.items.forEach((pair, i) =>
      expect(commentOf(pair.key as Node, i, permissions), `permission ${String(pair.key)}`).toMatch(/\w{3}/),
    );
  });

  it("grants each event the permission GitHub's OpenAPI description says it needs", async () => {
    const description = JSON.parse(await readFile(SPEC_FILE, 'utf8')) as {
      'x-webhooks': Record<
        string,
        { post: { summary?: string; description?: string; 'x-github'?: { subcategory?: string } } }
      >;
    };
    const levels = ['read', 'write'];
    for (const event of EVENTS) {
      const ops = Object.values(description['x-webhooks']).filter(
        (w) => w.post['x-github']?.subcategory === event,
      );
      expect(ops.length, event).toBeGreaterThan(0);
      const prose = ops.map((o) => `${o.post.summary ?? ''}\n${o.post.description ?? ''}`).join('\n');
      const needed =
        /a GitHub App must have at least (read|write)-level access for the "([^"]+)" repository permission/.exec(
          prose,
        );
      expect(needed, event).not.toBeNull();
      const [, level, name] = needed as RegExpExecArray;
      const key = (name as string).toLowerCase().replace(/ /g, '_');
      const granted = manifest.default_permissions[key];
      expect(granted, `${event} needs ${key}`).toBeDefined();
      expect(levels.indexOf(granted as string), `${event} needs ${key}: ${level}`).toBeGreaterThanOrEqual(
        levels.indexOf(level as string),
      );
    }
    // The buttons (requested_action) and re-run (rerequested) come only with write access to checks.
    const checkRun = description['x-webhooks']['check-run-requested-action']?.post.summary ?? '';
    expect(checkRun).toContain('the app must have at least write-level access for the "Checks" permission');
    expect(manifest.default_permissions.checks).toBe('write');
  });
});
